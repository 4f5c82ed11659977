/**
 * Export of the dashboard's tables: CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and
 * XLSX. XLSX is written in the browser with exceljs, loaded only when the user exports (its own
 * chunk): the file holds exactly the tables the page shows for the current filters and language,
 * with no second implementation on the server, and it works on an offline display wall.
 */
import type { Table } from './stats.charts.ts';

/** One sheet: a chart's title and table. */
export interface Sheet { id: string; title: string; table: Table }

const cell = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV text of one or more tables; several are separated by a blank line and their titles. */
export function toCsv(sheets: Sheet[]): string {
  const parts = sheets.map((s) => [
    ...(sheets.length > 1 ? [cell(s.title)] : []),
    s.table.columns.map(cell).join(','),
    ...s.table.rows.map((r) => r.map(cell).join(',')),
  ].join('\r\n'));
  return '\uFEFF' + parts.join('\r\n\r\n') + '\r\n';
}

/** Excel sheet names: at most 31 characters, none of []:*?/\ and unique. */
function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name);
  return name;
}

/** An XLSX workbook with one sheet per table (header row bold and frozen). */
export async function toXlsx(sheets: Sheet[], meta: { title: string; filters: string; about: string }): Promise<Blob> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = meta.title;
  wb.created = new Date();
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = wb.addWorksheet(sheetName(s.title, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.table.columns).font = { bold: true };
    for (const r of s.table.rows) ws.addRow(r.map((v) => (v === null ? null : v)));
    ws.columns.forEach((c, i) => { c.width = Math.min(40, Math.max(10, String(s.table.columns[i] ?? '').length * 2)); });
  }
  const info = wb.addWorksheet(sheetName(meta.about, used));
  info.addRow([meta.title]);
  info.addRow([meta.filters]);
  info.addRow([new Date().toISOString()]);
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** Let the browser save `blob` as `name`. */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
