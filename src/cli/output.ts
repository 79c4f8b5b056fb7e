import type { Writable } from 'node:stream';

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** A plain aligned table, headers first; empty lists say so instead of printing a bare header. */
export function renderTable(columns: string[], rows: Array<Array<string | number | null | undefined>>): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = columns.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function formatYuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export interface TIo {
  stdout: Writable;
  stderr: Writable;
  json: boolean;
}

/** --json prints the data as one JSON document on stdout; otherwise the human rendering. */
export function emit(io: TIo, data: unknown, human: () => string) {
  io.stdout.write(io.json ? `${JSON.stringify(data, null, 2)}\n` : human());
}
