// Bulk start from a file in the browser (administrators): the same file format and the same
// request ids as `bangfu projects start --file`, so a file started from the CLI and then uploaded
// here (or uploaded twice) starts nothing twice. Plain logic, no DOM: the page renders the results.
import { ApiError } from './api.js';

/**
 * CSV columns, one proposal a row (a header row names them, any order). Lists fold into one cell:
 * fundingSources "SOURCE:fen;SOURCE:fen", performanceTargets "indicator=target;…". Money is integer fen
 * like the JSON body, so a row means exactly what the API receives.
 */
export const CSV_COLUMNS = [
  'name',
  'industry',
  'orgUnitId',
  'budgetFen',
  'fundingSources',
  'implementerName',
  'implementerCreditCode',
  'households',
  'mechanism',
  'performanceTargets',
  'meetingRecord',
  'fiscalYear',
  'requestId',
];

/** RFC 4180 cells: quoted cells may hold commas, quotes ("") and line breaks (a meeting record does). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, ''); // Excel writes a BOM before UTF-8 CSV
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

// A cell that is not a number stays text, so the server names the field (never a silent 0).
const num = (s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s.trim());
const list = (s) =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
const pair = (s, sep) => {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i).trim(), s.slice(i + 1).trim()];
};

/** One CSV row (by header name) → the API's proposal body; empty optional cells are left out. */
export function csvRowToProposal(cells) {
  const get = (k) => (cells[k] ?? '').trim();
  return {
    name: get('name'),
    industry: get('industry'),
    orgUnitId: get('orgUnitId'),
    budgetFen: num(get('budgetFen')),
    fundingSources: list(get('fundingSources')).map((x) => {
      const [source, amount] = pair(x, ':');
      return { source, amountFen: num(amount) };
    }),
    implementer: { name: get('implementerName'), ...(get('implementerCreditCode') ? { creditCode: get('implementerCreditCode') } : {}) },
    householdLinkage: { households: num(get('households')), mechanism: get('mechanism') },
    performanceTargets: list(get('performanceTargets')).map((x) => {
      const [indicator, target] = pair(x, '=');
      return { indicator, target };
    }),
    meetingRecord: get('meetingRecord'),
    ...(get('fiscalYear') ? { fiscalYear: num(get('fiscalYear')) } : {}),
    ...(get('requestId') ? { requestId: get('requestId') } : {}),
  };
}

/** A file's proposals: a JSON array (the CLI's format) or a CSV with a header row. Throws with a message. */
export function parseProposals(fileName, text) {
  if (/\.json$/i.test(fileName) || /^\s*\[/.test(text)) {
    const entries = JSON.parse(text);
    if (!Array.isArray(entries)) throw new Error('a JSON file holds an array of proposals');
    return entries;
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('the file is empty');
  const names = header.map((x) => x.trim());
  const unknown = names.filter((n) => !CSV_COLUMNS.includes(n));
  if (unknown.length) throw new Error(`unknown columns: ${unknown.join(', ')}`);
  return rows.map((r) => csvRowToProposal(Object.fromEntries(names.map((n, i) => [n, r[i] ?? '']))));
}

/** The CLI's bulkRequestId: sha256 of "file name \n index \n JSON of the entry", or the entry's own id. */
export async function bulkRequestId(fileName, index, entry) {
  const own = entry?.requestId;
  if (typeof own === 'string' && own.length >= 8) return own;
  const bytes = new TextEncoder().encode(`${fileName.split(/[\\/]/).pop()}\n${index}\n${JSON.stringify(entry)}`);
  const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `bulk-${digest.slice(0, 32)}`;
}

/**
 * Starts the proposals one at a time (the server registers each in its own workflow; one at a time
 * keeps the order readable and the load small). onProgress(result, done, total) after each row.
 * Status comes from the HTTP code: 201 started, 200 a request id the server already applied.
 */
export async function startAll(fileName, entries, onProgress) {
  const results = [];
  for (const [index, entry] of entries.entries()) {
    const requestId = await bulkRequestId(fileName, index, entry);
    let result;
    const res = await fetch('/api/projects', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...entry, requestId }),
    });
    const data = await res.json().catch(() => null);
    if (res.ok) {
      result = { index, requestId, status: res.status === 201 && !data.replayed ? 'started' : 'existing', projectId: data.projectId, stage: data.stage };
    } else {
      const err = new ApiError(res.status, data);
      // A lost session fails every remaining row the same way: stop, as the CLI does.
      if (res.status === 401) throw err;
      result = { index, requestId, status: 'refused', code: err.code, field: err.details[0]?.path ?? '', message: err.details[0]?.message ?? err.message };
    }
    results.push(result);
    onProgress?.(result, index + 1, entries.length);
  }
  return results;
}
