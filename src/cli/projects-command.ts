import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TApi } from './api-client';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { emit, formatYuan, renderTable, type TIo } from './output';

interface TProjectRow {
  id: string;
  name: string;
  stage: string;
  industry: string;
  budgetFen: number;
  orgUnitId: string;
  createdAt: string;
}

/** The server's list filters (GET /api/projects); the server validates them and names a bad one. */
type TProjectFilters = Partial<Record<'stage' | 'orgUnitId' | 'industry' | 'year' | 'grade' | 'riskFlag' | 'q', string>>;

export async function listProjects({
  api,
  io,
  filters = {},
  page,
  pageSize,
}: {
  api: TApi;
  io: TIo;
  filters?: TProjectFilters;
  page?: string;
  pageSize?: string;
}) {
  const given = Object.entries({ ...filters, page, pageSize }).filter((e): e is [string, string] => Boolean(e[1]));
  const q = new URLSearchParams(given);
  const res = await api.get<{ items: TProjectRow[]; total: number; page: number; pageSize: number }>(`/api/projects?${q}`);
  emit(
    io,
    res,
    () =>
      renderTable(
        ['ID', 'STAGE', 'BUDGET', 'VILLAGE', 'NAME'],
        res.items.map((p) => [p.id, p.stage, formatYuan(p.budgetFen), p.orgUnitId, p.name]),
      ) + `${res.items.length} of ${res.total}\n`,
  );
}

export async function showProject({ api, io, id }: { api: TApi; io: TIo; id: string }) {
  const p = await api.get<
    TProjectRow & {
      tasks: Array<{ id: string; kind: string; status: string }>;
      history: Array<{ at: string; action: string; actorId: string | null }>;
      temporalUiUrl: string | null;
    }
  >(`/api/projects/${encodeURIComponent(id)}`);
  emit(io, p, () =>
    [
      `${p.name}  (${p.id})`,
      `stage     ${p.stage}`,
      `industry  ${p.industry}`,
      `budget    ${formatYuan(p.budgetFen)}`,
      `village   ${p.orgUnitId}`,
      `workflow  ${p.temporalUiUrl ?? '—'}`,
      '',
      'Tasks',
      renderTable(
        ['ID', 'KIND', 'STATUS'],
        p.tasks.map((t) => [t.id, t.kind, t.status]),
      ).trimEnd(),
      '',
      'History',
      renderTable(
        ['AT', 'ACTION', 'ACTOR'],
        p.history.map((h) => [h.at, h.action, h.actorId]),
      ),
    ].join('\n'),
  );
}

/**
 * The request id of one proposal in a file: the file's name, the entry's position and its content.
 * Re-running the same file starts nothing twice; fixing one failed entry and re-running starts just
 * that one (the others keep their ids). An entry may also carry its own requestId.
 */
export function bulkRequestId(file: string, index: number, entry: unknown): string {
  const own = (entry as { requestId?: unknown })?.requestId;
  if (typeof own === 'string' && own.length >= 8) return own;
  const digest = crypto
    .createHash('sha256')
    .update(`${path.basename(file)}\n${index}\n${JSON.stringify(entry)}`)
    .digest('hex');
  return `bulk-${digest.slice(0, 32)}`;
}

type TStartResult =
  | { index: number; requestId: string; status: 'created' | 'existing'; projectId: string; stage: string }
  | { index: number; requestId: string; status: 'failed'; error: { code: string; message: string; details?: unknown[] }; exitCode: TExitCode };

/** Starts every proposal in a JSON array file, one at a time, reporting progress on stderr. */
export async function startProjectsFromFile({ api, io, file }: { api: TApi; io: TIo; file: string }): Promise<TExitCode> {
  let entries: unknown;
  try {
    entries = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new CliError(EXIT.USAGE, `${file} must hold a JSON array of proposals`);
  const results: TStartResult[] = [];
  for (const [index, entry] of entries.entries()) {
    const requestId = bulkRequestId(file, index, entry);
    const label = `[${index + 1}/${entries.length}]`;
    try {
      const res = await api.post<{ projectId: string; stage: string }>('/api/projects', { ...(entry as object), requestId });
      // 200 means the server recognised the request id of a finished registration; a replay while
      // the project is still open comes back 201 with the same project id, which is just as safe.
      const status = res.status === 201 ? 'created' : 'existing';
      results.push({ index, requestId, status, projectId: res.body.projectId, stage: res.body.stage });
      io.stderr.write(`${label} ${status === 'created' ? 'started' : 'already started'} ${res.body.projectId} (${res.body.stage})\n`);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      // An unreachable server or a revoked token fails every remaining entry the same way: stop.
      if (err.exitCode === EXIT.SERVER && !err.apiError) throw err;
      if (err.exitCode === EXIT.AUTH && err.apiError?.code === 'UNAUTHENTICATED') throw err;
      results.push({ index, requestId, status: 'failed', error: err.apiError ?? { code: 'ERROR', message: err.message }, exitCode: err.exitCode });
      io.stderr.write(`${label} failed: ${err.message}\n`);
    }
  }
  const failed = results.filter((r): r is Extract<TStartResult, { status: 'failed' }> => r.status === 'failed');
  emit(
    io,
    {
      items: results,
      started: results.filter((r) => r.status === 'created').length,
      existing: results.filter((r) => r.status === 'existing').length,
      failed: failed.length,
    },
    () =>
      renderTable(
        ['#', 'STATUS', 'PROJECT', 'STAGE / ERROR'],
        results.map((r) => [r.index + 1, r.status, r.status === 'failed' ? '' : r.projectId, r.status === 'failed' ? r.error.message : r.stage]),
      ),
  );
  // The most serious failure decides the exit code, so a script can tell "fix the file" from "retry later".
  return failed.reduce<TExitCode>((code, r) => (r.exitCode > code ? r.exitCode : code), EXIT.OK);
}
