import { afterEach, describe, expect, it, vi } from 'vitest';

/** Loads a fresh copy of the module at `url` (its language is read once, when it loads). */
async function loadAt(url: string) {
  history.replaceState(null, '', url);
  vi.resetModules();
  return import('./i18n.service.ts');
}

afterEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/');
});

describe('the page language', () => {
  it('follows ?lang= and keeps it for the next page opened without it', async () => {
    const first = await loadAt('/map.html?lang=en');
    expect(first.getLang()).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    const next = await loadAt('/find.html');
    expect(next.getLang()).toBe('en');
    const back = await loadAt('/find.html?lang=zh');
    expect(back.getLang()).toBe('zh');
    expect((await loadAt('/tour.html')).getLang()).toBe('zh');
  });

  it('is Chinese with neither a parameter nor a stored choice, and ignores unknown values', async () => {
    expect((await loadAt('/map.html')).getLang()).toBe('zh');
    expect((await loadAt('/map.html?lang=fr')).getLang()).toBe('zh');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('remembers a switch made on the page', async () => {
    const m = await loadAt('/map.html');
    m.setLang('en');
    expect((await loadAt('/upload.html')).getLang()).toBe('en');
  });
});
