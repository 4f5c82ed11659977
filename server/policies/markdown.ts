/**
 * A strict Markdown subset for policy and project texts, rendered to HTML that is safe by
 * construction: the source is HTML-escaped first, and only the constructs below produce tags, each
 * with attributes we write ourselves. Raw HTML in the source is shown as text, never interpreted.
 *
 * Blocks: `#`/`##`/`###` headings (rendered two levels down, `<h3>`–`<h5>`, to sit inside a page
 * section), paragraphs (blank-line separated; a single line break stays a `<br>`), `-`/`*` and
 * `1.` lists, `>` quotes. Inline: `**bold**`, `*italic*`, `[text](url)` and `![alt](/image)`.
 * Links may be http(s), mailto:, tel: or a path on this site; images only a path on this site
 * (no network for the reader, no tracking pixels). Anything else stays literal text.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]);

/** A same-site path: `/x…`, not `//host` (protocol-relative) nor `/\host`. */
const SITE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~/?=&;%+,:@]*$/;
const LINK_URL = /^(https?:\/\/[A-Za-z0-9\-._~/?#=&;%+,:@!$*()]+|mailto:[A-Za-z0-9\-._+%@]+|tel:[0-9+\-() ]+)$/;

/** Whether `url` (as escaped text) may be a link target. */
export function safeLinkUrl(url: string): boolean {
  return SITE_PATH.test(url) || LINK_URL.test(url);
}

/** Whether `url` may be an image source: a path on this site only. */
export function safeImageUrl(url: string): boolean {
  return SITE_PATH.test(url);
}

/** Inline constructs of one escaped line. */
function inline(text: string): string {
  // Images first (they look like links with a leading "!").
  let out = text.replace(/!\[([^\]\n]{0,200})\]\(([^()\s]{1,500})\)/g, (m, alt: string, url: string) =>
    safeImageUrl(url) ? `<img src="${url}" alt="${alt}" loading="lazy">` : m);
  out = out.replace(/(?<!!)\[([^\]\n]{1,300})\]\(([^()\s]{1,1000})\)/g, (m, label: string, url: string) => {
    if (!safeLinkUrl(url)) return m;
    const external = /^https?:/.test(url);
    return `<a href="${url}"${external ? ' rel="noopener nofollow" target="_blank"' : ''}>${label}</a>`;
  });
  out = out.replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>');
  out = out.replace(/(?<![*\w])\*([^*\s][^*\n]*?)\*(?![*\w])/g, '<em>$1</em>');
  return out;
}

type Block = { kind: 'p' | 'ul' | 'ol' | 'quote'; lines: string[] } | { kind: 'h'; level: number; text: string };

/** Render Markdown (the subset above) to safe HTML. */
export function renderMarkdown(source: string): string {
  const lines = escape(source.replace(/\r\n?/g, '\n')).split('\n');
  const blocks: Block[] = [];
  let cur: Block | null = null;
  const push = (kind: 'p' | 'ul' | 'ol' | 'quote', line: string) => {
    if (!cur || cur.kind !== kind) {
      cur = { kind, lines: [] };
      blocks.push(cur);
    }
    (cur as { lines: string[] }).lines.push(line);
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    if (!line.trim()) cur = null;
    else if ((m = /^(#{1,3})\s+(.+)$/.exec(line))) {
      blocks.push({ kind: 'h', level: m[1].length, text: m[2] });
      cur = null;
    } else if ((m = /^\s*[-*]\s+(.*)$/.exec(line))) push('ul', m[1]);
    else if ((m = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line))) push('ol', m[1]);
    else if ((m = /^&gt;\s?(.*)$/.exec(line))) push('quote', m[1]);
    else push('p', line.trim());
  }
  return blocks.map((b) => {
    if (b.kind === 'h') return `<h${b.level + 2}>${inline(b.text)}</h${b.level + 2}>`;
    if (b.kind === 'ul' || b.kind === 'ol') return `<${b.kind}>${b.lines.map((l) => `<li>${inline(l)}</li>`).join('')}</${b.kind}>`;
    if (b.kind === 'quote') return `<blockquote><p>${b.lines.map(inline).join('<br>')}</p></blockquote>`;
    return `<p>${b.lines.map(inline).join('<br>')}</p>`;
  }).join('\n');
}

/** Plain text of Markdown (for excerpts and descriptions): headings and markup removed, whitespace collapsed. */
export function markdownText(source: string, maxChars = 100): string {
  const text = source
    .replace(/^\s{0,3}#{1,6}\s.*$/gm, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|[-*]|\d{1,3}[.)]|>)\s+/gm, '')
    .replace(/\*\*|\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
