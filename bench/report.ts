/** The benchmark's results as JSON and as a Markdown table, written to bench/results/<date>.{json,md}. */
import fs from 'node:fs';
import path from 'node:path';
import type { TApprovalResult } from './scenarios/approval';
import type { TInboxResult } from './scenarios/inbox';
import type { THistoryResult } from './scenarios/history';
import { CONTINUE_AS_NEW_SUGGESTED_AT } from './scenarios/history';
import type { TMachine, TVersions } from './lib/machine';
import type { TBenchSettings } from './lib/settings';

export interface TNotRun {
  scenario: string;
  status: 'not run';
  reason: string;
}

export interface TBenchReport {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: TMachine;
  versions: TVersions;
  settings: TBenchSettings & { database: string; temporal: string; worker: string; api: string };
  approval: TApprovalResult | { error: string };
  inbox: TInboxResult | { error: string };
  history: THistoryResult | { error: string };
  notRun: TNotRun[];
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)} ms` : '—');
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const ok = (b: boolean) => (b ? 'met' : '**missed**');
const isError = (r: object): r is { error: string } => 'error' in r;

export function machineLine(r: Pick<TBenchReport, 'machine' | 'versions'>): string {
  const m = r.machine;
  const v = r.versions;
  return (
    `${m.cores} cores (${m.availableParallelism} available) ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.platform}, load average ${m.loadAverageAtStart} at start; ` +
    `Node ${v.node}, Temporal CLI ${v.temporalCli}, Temporal TS SDK ${v.temporalSdk}, Prisma ${v.prismaClient} (adapter-pg ${v.prismaAdapterPg}), ` +
    `Fastify ${v.fastify}, XState ${v.xstate}, PostgreSQL ${v.postgres}`
  );
}

/** The summary table: one row per figure, each with its baseline and ratio. */
export function summaryTable(r: TBenchReport): string {
  const rows: string[][] = [];
  const a = r.approval;
  if (isError(a)) rows.push(['1 approval round trip', 'failed', a.error, '', '', '', '']);
  else
    for (const l of a.levels) {
      const label = `1 approval round trip, ${l.concurrency} approver${l.concurrency > 1 ? 's' : ''} (${l.decisions} decisions)`;
      rows.push([label, 'p50 latency', ms(l.ours.p50), ms(l.baseline.p50), x(l.p50Ratio), '≤ 1.5×', ok(l.p50WithinTarget)]);
      rows.push([label, 'p95 / p99 latency', `${ms(l.ours.p95)} / ${ms(l.ours.p99)}`, `${ms(l.baseline.p95)} / ${ms(l.baseline.p99)}`, `${x(l.p95Ratio)} / ${x(l.p99Ratio)}`, '—', 'reported']);
      rows.push([label, 'decisions/s (ours ÷ baseline)', `${l.ours.perSecond}`, `${l.baseline.perSecond}`, x(l.throughputRatio), '—', l.ours.errors + l.baseline.errors ? `reported, errors ${l.ours.errors}/${l.baseline.errors}` : 'reported']);
    }
  const i = r.inbox;
  if (isError(i)) rows.push(['3 inbox at scale', 'failed', i.error, '', '', '', '']);
  else {
    const label = `3 inbox, ${i.data.openTasks.toLocaleString('en')} open tasks (reviewer sees ${i.data.reviewerVisible.toLocaleString('en')}), ${i.runs} runs`;
    rows.push([label, 'GET /api/tasks (route, app.inject) p50 / p99', `${ms(i.route.p50)} / ${ms(i.route.p99)}`, `${ms(i.baseline.p50)} / ${ms(i.baseline.p99)}`, `${x(i.routeP50Ratio)} / ${x(i.routeP99Ratio)}`, 'p99 < 50 ms', ok(i.routeP99WithinTarget)]);
    rows.push([label, 'Prisma query (findMany + count) p50 / p99', `${ms(i.prisma.p50)} / ${ms(i.prisma.p99)}`, `${ms(i.baseline.p50)} / ${ms(i.baseline.p99)}`, `${x(i.prismaP50Ratio)} / ${x(i.prismaP99Ratio)}`, 'p99 < 50 ms', ok(i.prismaP99WithinTarget)]);
    const used = i.explain.every((e) => !e.seqScanOnTask) && i.explain.some((e) => e.usesTaskIndex);
    rows.push([label, 'EXPLAIN (ANALYZE)', i.indexVerdict, '', '', 'Task index used', ok(used)]);
  }
  const h = r.history;
  if (isError(h)) rows.push(['5 history per project', 'failed', h.error, '', '', '', '']);
  else
    rows.push([
      `5 history per project, ${h.path} (${h.sampled} projects)`,
      'events (project + township-review step)',
      `${h.total.mean} (max ${h.total.max}; ${h.project.mean} + ${h.step.mean})`,
      `${h.baseline.mean}`,
      x(h.ratio),
      `< ${CONTINUE_AS_NEW_SUGGESTED_AT.toLocaleString('en')} per run`,
      h.continueAsNewSuggested ? '**missed**' : 'met',
    ]);
  for (const n of r.notRun) rows.push([n.scenario, 'not run', n.reason, '', '', '', '']);
  const head = ['scenario', 'measure', 'ours', 'baseline', 'ratio', 'target', 'verdict'];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

export function toMarkdown(r: TBenchReport): string {
  const s = r.settings;
  const out: string[] = [];
  out.push(`# Bangfu benchmark — ${r.startedAt}`, '');
  out.push(`**Machine and versions:** ${machineLine(r)}`, '');
  out.push(
    `**Settings:** BENCH_SCALE=${s.scale}; approvers ${s.concurrency.join(', ')}; decisions per level max(${s.minDecisions}, approvers × ${s.roundsPerApprover}), ${s.warmup} warm-up decisions per side; ` +
      `inbox ${s.inboxTasks.toLocaleString('en')} tasks over ${s.inboxProjects} projects / ${s.inboxTownships} townships × ${s.villagesPerTownship} villages, ${s.inboxRuns} timed runs after ${s.inboxWarmup} warm-up, page size ${s.inboxPageSize}. ` +
      `Database: ${s.database}. Temporal: ${s.temporal}. Worker: ${s.worker}. API: ${s.api}. Run took ${r.durationSeconds} s.`,
    '',
  );
  out.push('Ratios are ours ÷ baseline, measured in the same run on the same services. For latency, lower is better (1.5× = 50% slower than the baseline); for decisions/s, below 1 means fewer than the baseline.', '');
  out.push(summaryTable(r), '');

  const a = r.approval;
  if (!isError(a)) {
    out.push('## 1. Approval round trip', '');
    out.push('Ours: `POST /api/tasks/:id/decision` over loopback HTTP → Update `approvalAct` on the township-review step → XState machine → projection activity (Task, Decision, audit) → report to the project workflow → its machine and stage activity → acknowledgement → response. ' +
      'Baseline: `bench/baseline-workflows.ts` `bareApproval`, the same Update payload sent by the Temporal client, answered from the handler with no machine, activity or HTTP. Each decision acts on a distinct task / workflow; closed loop (each approver sends the next decision when the previous one answered).', '');
    out.push(`Setup (not timed): ${a.setup.projects} projects through POST /api/projects, ${a.setup.concurrency} at a time, at ${a.setup.projectsPerSecond} projects/s (${a.setup.retries} requests retried with the same requestId${a.setup.retrySamples.length ? `, e.g. \`${a.setup.retrySamples[0].slice(0, 160)}\`` : ''}); ${a.setup.approvers} township reviewers of 河西镇 with their own tokens.`, '');
    out.push('| approvers | decisions | ours p50 / p95 / p99 | baseline p50 / p95 / p99 | p50 ratio | ours decisions/s | baseline decisions/s | throughput ratio |', '|---|---|---|---|---|---|---|---|');
    for (const l of a.levels) {
      out.push(`| ${l.concurrency} | ${l.decisions} | ${ms(l.ours.p50)} / ${ms(l.ours.p95)} / ${ms(l.ours.p99)} | ${ms(l.baseline.p50)} / ${ms(l.baseline.p95)} / ${ms(l.baseline.p99)} | ${x(l.p50Ratio)} | ${l.ours.perSecond} | ${l.baseline.perSecond} | ${x(l.throughputRatio)} |`);
    }
    if (a.errorSamples.length) out.push('', `Errors (first ${a.errorSamples.length}): ${a.errorSamples.map((e) => `\`${e.slice(0, 200)}\``).join('; ')}`);
    out.push('');
  }
  const i = r.inbox;
  if (!isError(i)) {
    out.push('## 3. Inbox at scale', '');
    out.push(`${i.data.tasks.toLocaleString('en')} tasks (${i.data.openTasks.toLocaleString('en')} open) over ${i.data.projects} projects, ${i.data.townships} townships, ${i.data.villages} villages, inserted in ${i.data.insertSeconds} s with \`INSERT ... SELECT generate_series\`, then ANALYZE. Reviewer \`${i.reviewer.username}\` (${i.reviewer.orgPath}) sees ${i.data.reviewerVisible.toLocaleString('en')}. ` +
      'Each run: the route through `app.inject` (token lookup, Zod, serialisation included), the route\'s Prisma query, and the baseline SQL on plain `pg` (list + count in parallel, as the route does), in rotating order.', '');
    out.push('| path | p50 | p95 | p99 | max | ratio p50 / p99 vs pg |', '|---|---|---|---|---|---|');
    out.push(`| route (app.inject) | ${ms(i.route.p50)} | ${ms(i.route.p95)} | ${ms(i.route.p99)} | ${ms(i.route.max)} | ${x(i.routeP50Ratio)} / ${x(i.routeP99Ratio)} |`);
    out.push(`| Prisma findMany + count | ${ms(i.prisma.p50)} | ${ms(i.prisma.p95)} | ${ms(i.prisma.p99)} | ${ms(i.prisma.max)} | ${x(i.prismaP50Ratio)} / ${x(i.prismaP99Ratio)} |`);
    out.push(`| baseline: plain pg SQL | ${ms(i.baseline.p50)} | ${ms(i.baseline.p95)} | ${ms(i.baseline.p99)} | ${ms(i.baseline.max)} | 1.00× |`, '');
    out.push('EXPLAIN (ANALYZE, FORMAT JSON), scan nodes per query:', '');
    out.push('| query | execution | scans | Task index used |', '|---|---|---|---|');
    for (const e of i.explain) {
      out.push(`| ${e.query} | ${ms(e.executionMs)} | ${e.scans.map((sc) => `${sc.node}${sc.relation ? ` on ${sc.relation}` : ''}${sc.index ? ` using ${sc.index}` : ''}`).join('; ')} | ${e.usesTaskIndex ? (e.seqScanOnTask ? 'partly (also a Seq Scan)' : 'yes') : e.scans.some((sc) => sc.relation === 'Task') ? '**no**' : 'n/a (no Task scan)'} |`);
    }
    out.push('', `Verdict: ${i.indexVerdict}.`, '');
  }
  const h = r.history;
  if (!isError(h)) {
    out.push('## 5. History per project', '');
    out.push(`Path: ${h.path}; ${h.sampled} projects sampled, project workflow status ${h.project.status.join(', ')}. ` +
      `Events: project workflow mean ${h.project.mean} (max ${h.project.max}), township-review step mean ${h.step.mean} (max ${h.step.max}), together ${h.total.mean} (max ${h.total.max}); bare baseline workflow ${h.baseline.mean}. ${h.note}`, '');
  }
  if (r.notRun.length) {
    out.push('## Not run', '');
    for (const n of r.notRun) out.push(`- **${n.scenario}**: ${n.reason}`);
    out.push('');
  }
  return out.join('\n');
}

export function writeReport(r: TBenchReport, dir: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const json = path.join(dir, `${stamp}.json`);
  const md = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(md, `${toMarkdown(r)}\n`);
  return { json, md };
}
