/**
 * The built HTML of a portal page (`web/dist/<name>.html`, made by Vite with hashed asset URLs) as
 * a template: the server fills `<!--ssr:head-->` and `<!--ssr:body-->` and sets `<html lang>`.
 * Read from disk when the file changes (a rebuild), otherwise served from memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';

/** Page templates from the built web client. */
export class PageTemplates {
  private readonly cache = new Map<string, { mtimeMs: number; text: string }>();

  constructor(private readonly webDist: string) {}

  /** Fill template `name` (e.g. `index.html`). */
  render(name: string, lang: 'zh' | 'en', head: string, body: string): string {
    const file = path.join(this.webDist, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new AppError('unavailable', `the web client is not built yet (no ${name}): run "npm run build:web"`);
    }
    let hit = this.cache.get(name);
    if (!hit || hit.mtimeMs !== st.mtimeMs) {
      hit = { mtimeMs: st.mtimeMs, text: fs.readFileSync(file, 'utf8') };
      this.cache.set(name, hit);
    }
    // Function replacers: `$` in page text must not be read as a replacement pattern.
    return hit.text
      .replace(/<html lang="[^"]*"/, `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"`)
      .replace('<!--ssr:head-->', () => head)
      .replace('<!--ssr:body-->', () => body);
  }
}
