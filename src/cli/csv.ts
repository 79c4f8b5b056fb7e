/**
 * CSV as spreadsheets write it (RFC 4180: quoted fields, doubled quotes, CRLF or LF). Exports start
 * with a UTF-8 byte-order mark so Excel on a county office PC shows the Chinese text correctly.
 */
export function parseCsv(text: string, { keepBlankRows = false }: { keepBlankRows?: boolean } = {}): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i += 1;
      row.push(field);
      if (keepBlankRows || row.some((c) => c !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((c) => c !== '')) rows.push(row);
  return rows;
}

const cell = (value: unknown) => {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- export rows hold JSON scalars; kept as String() so every cell prints as before.
  const text = value === null || value === undefined ? '' : String(value);
  // Quote what needs it; a leading =+-@ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function formatCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
