/**
 * CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark so Excel shows Chinese correctly,
 * CRLF line ends, fields quoted when they hold a comma, quote or line break. Lists are joined with
 * `;`. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR
 * and not a number) gets a leading `'` (OWASP "CSV injection").
 */

/** The byte-order mark that tells Excel the file is UTF-8. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = Array.isArray(v) ? v.join(';') : String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !Number.isFinite(Number(s))) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line, CRLF-terminated. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
