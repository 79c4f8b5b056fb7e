/** The benchmark's results as JSON and as a Markdown table, written to bench/results/<date>.{json,md}. */
import fs from 'node:fs';
import path from 'node:path';
import { TARGET_P50_RATIO, TARGET_THROUGHPUT_RATIO, type TApprovalResult } from './scenarios/approval';
import type { TInboxResult } from './scenarios/inbox';
import type { THistoryResult } from './scenarios/history';
import type { TLifecycleResult } from './scenarios/lifecycle';
import type { TOpenResult } from './scenarios/open-workflows';
import type { TProjectYearsResult } from './scenarios/project-years';
import { workflowMemoryMarkdown, type TWorkflowMemoryResult } from './scenarios/workflow-memory';
import { TARGET_EVENTS_PER_PROJECT_YEAR } from './scenarios/project-years';
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
  /** 1, 5 and 15-minute load averages when the run ended (the start is in `machine`). */
  loadAverageAtEnd: number[];
  approval: TOutcome<TApprovalResult>;
  inbox: TOutcome<TInboxResult>;
  history: TOutcome<THistoryResult>;
  /** Scenario 5's happy profile (every evaluation 良). */
  projectYears: TOutcome<TProjectYearsResult>;
  /** Scenario 5's hard profile (objection, return, flagged payments, failed acceptance, 差 and rectification each year). */
  projectYearsHard: TOutcome<TProjectYearsResult>;
  lifecycle: TOutcome<TLifecycleResult>;
  open: TOutcome<TOpenResult>;
  /** Scenario 6: RSS per cached workflow, the bare bundle against the project's. */
  workflowMemory: TOutcome<TWorkflowMemoryResult>;
  notRun: TNotRun[];
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)} ms` : '—');
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const ok = (b: boolean) => (b ? 'met' : '**missed**');
/** A scenario's result, its error, or why it was not selected. */
export type TOutcome<T> = T | { error: string } | { skipped: string };
const isError = (r: object): r is { error: string } | { skipped: string } => 'error' in r || 'skipped' in r;
const why = (r: { error: string } | { skipped: string }) => ('error' in r ? r.error : r.skipped);
const failedOr = (r: { error: string } | { skipped: string }) => ('error' in r ? 'failed' : 'not run');
/** How much of the target's headroom above the baseline (2× − 1×) a p50 ratio uses. */
const headroomUsed = (r: number) => (Number.isFinite(r) ? `${Math.round(((r - 1) / (TARGET_P50_RATIO - 1)) * 100)} %` : '—');
const mib = (x: number | null) => (x === null ? '—' : `${x.toLocaleString('en')} MiB`);

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
  if (isError(a)) rows.push(['1 approval round trip', failedOr(a), why(a), '', '', '', '']);
  else
    for (const l of a.levels) {
      const label = `1 approval round trip, ${l.concurrency} approver${l.concurrency > 1 ? 's' : ''} (${l.decisions} decisions)`;
      rows.push([label, 'p50 latency', ms(l.ours.p50), ms(l.baseline.p50), x(l.p50Ratio), `≤ ${TARGET_P50_RATIO}×`, ok(l.p50WithinTarget)]);
      rows.push([
        label,
        'p95 / p99 latency',
        `${ms(l.ours.p95)} / ${ms(l.ours.p99)}`,
        `${ms(l.baseline.p95)} / ${ms(l.baseline.p99)}`,
        `${x(l.p95Ratio)} / ${x(l.p99Ratio)}`,
        '—',
        'reported',
      ]);
      rows.push([
        label,
        'decisions/s (ours ÷ baseline)',
        `${l.ours.perSecond}`,
        `${l.baseline.perSecond}`,
        x(l.throughputRatio),
        l.concurrency > 1 ? `≥ ${TARGET_THROUGHPUT_RATIO}×` : '—',
        l.ours.errors + l.baseline.errors
          ? `errors ${l.ours.errors}/${l.baseline.errors}`
          : l.concurrency > 1
            ? ok(l.throughputRatio >= TARGET_THROUGHPUT_RATIO)
            : 'reported',
      ]);
      rows.push([
        label,
        'projection floor p50 (bare + one audit record) ÷ baseline',
        ms(l.floor.p50),
        ms(l.baseline.p50),
        x(l.floorP50Ratio),
        '—',
        `reported: ${headroomUsed(l.floorP50Ratio)} of the ${TARGET_P50_RATIO}× headroom${l.floor.errors ? `, errors ${l.floor.errors}` : ''}`,
      ]);
      rows.push([label, 'p50 ours ÷ projection floor', ms(l.ours.p50), `${ms(l.floor.p50)} (floor)`, x(l.oursToFloorP50Ratio), '—', 'reported']);
      if (l.oursRecorded && l.oursRecordedP50Ratio !== undefined) {
        rows.push([
          label,
          'p50 latency, ours with ?wait=record (answer once recorded, the stage follows)',
          ms(l.oursRecorded.p50),
          ms(l.baseline.p50),
          x(l.oursRecordedP50Ratio),
          `≤ ${TARGET_P50_RATIO}×`,
          ok(Boolean(l.oursRecordedWithinTarget)),
        ]);
      }
      if (l.httpFloor && l.httpFloorP50Ratio !== undefined) {
        rows.push([
          label,
          'HTTP floor p50 (bare route + token lookup + Update + one audit record) ÷ baseline',
          ms(l.httpFloor.p50),
          ms(l.baseline.p50),
          x(l.httpFloorP50Ratio),
          '—',
          `reported: ${headroomUsed(l.httpFloorP50Ratio)} of the ${TARGET_P50_RATIO}× headroom${l.httpFloor.errors ? `, errors ${l.httpFloor.errors}` : ''}`,
        ]);
      }
    }
  const i = r.inbox;
  if (isError(i)) rows.push(['3 inbox at scale', failedOr(i), why(i), '', '', '', '']);
  else {
    const label = `3 inbox, ${i.data.openTasks.toLocaleString('en')} open tasks (reviewer sees ${i.data.reviewerVisible.toLocaleString('en')}), ${i.runs} runs`;
    rows.push([
      label,
      'GET /api/tasks (route, app.inject) p50 / p99',
      `${ms(i.route.p50)} / ${ms(i.route.p99)}`,
      `${ms(i.baseline.p50)} / ${ms(i.baseline.p99)}`,
      `${x(i.routeP50Ratio)} / ${x(i.routeP99Ratio)}`,
      'p99 < 50 ms',
      ok(i.routeP99WithinTarget),
    ]);
    rows.push([
      label,
      "route's query (inbox-query.ts, one raw statement) p50 / p99",
      `${ms(i.prisma.p50)} / ${ms(i.prisma.p99)}`,
      `${ms(i.baseline.p50)} / ${ms(i.baseline.p99)}`,
      `${x(i.prismaP50Ratio)} / ${x(i.prismaP99Ratio)}`,
      'p99 < 50 ms',
      ok(i.prismaP99WithinTarget),
    ]);
    if (i.previous)
      rows.push([
        label,
        'previous Prisma findMany + count, same runs, p50 / p99',
        `${ms(i.previous.p50)} / ${ms(i.previous.p99)}`,
        `${ms(i.baseline.p50)} / ${ms(i.baseline.p99)}`,
        `${x(i.previousP50Ratio)} / ${x(i.previousP99Ratio)}`,
        '—',
        'reported',
      ]);
    const used = i.explain.every((e) => !e.seqScanOnTask) && i.explain.some((e) => e.usesTaskIndex);
    rows.push([label, 'EXPLAIN (ANALYZE)', i.indexVerdict, '', '', 'Task index used', ok(used)]);
  }
  const h = r.history;
  if (isError(h)) rows.push(['5 history per project', failedOr(h), why(h), '', '', '', '']);
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
  for (const [profile, py] of [
    ['happy', r.projectYears],
    ['hard', r.projectYearsHard],
  ] as const) {
    // A report written before the hard profile existed has no projectYearsHard.
    if (!py) continue;
    if (isError(py)) {
      rows.push([`5 history per project-year, ${profile}`, failedOr(py), why(py), '', '', '', '']);
      continue;
    }
    const label = `5 history per project-year, ${profile} (${py.projects} projects × ${py.years} simulated years, time-skipping)`;
    rows.push([
      label,
      'events per project-year, project + children: mean (max)',
      `${py.perProjectYear.mean} (${py.perProjectYear.max})`,
      `${py.baselinePerProjectYear.mean} (${py.baselinePerProjectYear.max})`,
      x(py.ratio),
      `< ${TARGET_EVENTS_PER_PROJECT_YEAR.toLocaleString('en')}`,
      ok(py.perProjectYear.withinTarget),
    ]);
    rows.push([
      label,
      `largest single run (${py.maxRun.workflowType}); project workflow continued as new`,
      `${py.maxRun.events} events; ${py.runs.projectContinuedAsNew ? `yes, ${py.runs.projectRunsMean} runs per project` : 'no'}`,
      '',
      '',
      `< ${CONTINUE_AS_NEW_SUGGESTED_AT.toLocaleString('en')} per run`,
      ok(py.maxRun.withinSuggestion),
    ]);
  }
  const l = r.lifecycle;
  if (isError(l)) rows.push(['2 lifecycle throughput', failedOr(l), why(l), '', '', '', '']);
  else {
    const label = `2 lifecycle, proposal → pool, ${l.ours.projects.toLocaleString('en')} projects per side, ${l.concurrency} at a time`;
    rows.push([
      label,
      'projects per minute (ours ÷ baseline)',
      `${l.ours.projectsPerMinute}`,
      `${l.baseline.projectsPerMinute}`,
      x(l.throughputRatio),
      '—',
      l.ours.errors + l.baseline.errors ? `reported, errors ${l.ours.errors}/${l.baseline.errors}` : 'reported',
    ]);
    rows.push([
      label,
      'time per project p50 / p95',
      `${ms(l.ours.latency.p50)} / ${ms(l.ours.latency.p95)}`,
      `${ms(l.baseline.latency.p50)} / ${ms(l.baseline.latency.p95)}`,
      x(l.latencyP50Ratio),
      '—',
      'reported',
    ]);
    rows.push([
      label,
      `events / commands / actions per project (${l.ours.actions.sampled} sampled)`,
      `${l.ours.actions.events.mean} / ${l.ours.actions.commands.mean} / ${l.ours.actions.actions.mean}`,
      `${l.baseline.actions.events.mean} / ${l.baseline.actions.commands.mean} / ${l.baseline.actions.actions.mean}`,
      `${x(l.eventsRatio)} / — / ${x(l.actionsRatio)}`,
      '—',
      'reported',
    ]);
  }
  const o = r.open;
  if (isError(o)) rows.push(['4 open workflows', failedOr(o), why(o), '', '', '', '']);
  else {
    const label = `4 open workflows: ${o.openProjects.toLocaleString('en')} projects (${o.waitingOnTimer.toLocaleString('en')} on a timer, ${o.waitingOnTask.toLocaleString('en')} on a task)`;
    rows.push([
      label,
      'benchmark-process RSS before → with them open (peak)',
      `${mib(o.memory.before.rssMiB)} → ${mib(o.memory.afterSetup.rssMiB)} (${mib(o.memory.peakRssMiB)})`,
      '',
      '',
      '—',
      'reported',
    ]);
    rows.push([
      label,
      'workflow cache: max / held',
      `${o.worker.maxCachedWorkflows.toLocaleString('en')} / ${o.worker.cachedAfterSetup.toLocaleString('en')}`,
      '',
      '',
      '—',
      'reported',
    ]);
    for (const lv of o.levels) {
      rows.push([
        label,
        `approval p50, ${lv.concurrency} approver${lv.concurrency > 1 ? 's' : ''} (${lv.decisions} decisions)`,
        `${ms(lv.ours.p50)}${lv.vsScenario1P50 !== null ? ` (${x(lv.vsScenario1P50)} scenario 1's)` : ''}`,
        ms(lv.baseline.p50),
        x(lv.p50Ratio),
        `≤ ${TARGET_P50_RATIO}×`,
        ok(lv.p50WithinTarget),
      ]);
    }
  }
  const wm = r.workflowMemory;
  if (isError(wm)) rows.push(['6 memory per cached workflow', failedOr(wm), why(wm), '', '', '', '']);
  else {
    const [bare, project] = wm.sides;
    rows.push([
      `6 memory per cached workflow (${wm.count} bare workflows per side)`,
      "RSS per cached workflow: project's bundle vs its own file only",
      `${project!.kibPerWorkflow.toLocaleString('en')} KiB`,
      `${bare!.kibPerWorkflow.toLocaleString('en')} KiB`,
      x(wm.projectOverBare),
      '≤ 1 MiB',
      ok(wm.withinTarget),
    ]);
    rows.push([
      '6 memory per cached workflow',
      'bundle size (modules of zod)',
      `${project!.bundleKiB.toLocaleString('en')} KiB (${project!.zodModules})`,
      `${bare!.bundleKiB.toLocaleString('en')} KiB`,
      '',
      '—',
      'reported',
    ]);
  }
  for (const n of r.notRun) rows.push([n.scenario, 'not run', n.reason, '', '', '', '']);
  const head = ['scenario', 'measure', 'ours', 'baseline', 'ratio', 'target', 'verdict'];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

export function toMarkdown(r: TBenchReport): string {
  const s = r.settings;
  const out: string[] = [];
  out.push(`# Bangfu benchmark — ${r.startedAt}`, '');
  out.push(`**Machine and versions:** ${machineLine(r)}; load average at the end ${r.loadAverageAtEnd.join(' / ')} (1 / 5 / 15 min)`, '');
  out.push(
    `**Settings:** BENCH_SCALE=${s.scale}; approvers ${s.concurrency.join(', ')}; decisions per level max(${s.minDecisions}, approvers × ${s.roundsPerApprover}), ${s.warmup} warm-up decisions per side; ` +
      `lifecycle ${s.lifecycleProjects.toLocaleString('en')} projects per side, ${s.lifecycleConcurrency} at a time; open workflows ${s.openWorkflows.toLocaleString('en')}, started ${s.openStartConcurrency} at a time, approvers ${s.openConcurrency.join(', ')} while open; project-years ${s.projectYearsProjects} projects × ${s.projectYears} simulated years, profiles ${(s.projectYearsProfiles ?? ['happy']).join(' and ')}; scenarios ${s.scenarios.join(', ')}; ` +
      `inbox ${s.inboxTasks.toLocaleString('en')} tasks over ${s.inboxProjects} projects / ${s.inboxTownships} townships × ${s.villagesPerTownship} villages, ${s.inboxRuns} timed runs after ${s.inboxWarmup} warm-up, page size ${s.inboxPageSize}. ` +
      `Database: ${s.database}. Temporal: ${s.temporal}. Worker: ${s.worker}. API: ${s.api}. Run took ${r.durationSeconds} s.`,
    '',
  );
  out.push(
    'Ratios are ours ÷ baseline, measured in the same run on the same services. For latency, lower is better (2× = twice the time of the baseline); for decisions/s, below 1 means fewer than the baseline.',
    '',
  );
  out.push(summaryTable(r), '');

  const a = r.approval;
  if (!isError(a)) {
    out.push('## 1. Approval round trip', '');
    out.push(
      "Ours: `POST /api/tasks/:id/decision` over loopback HTTP → Update `approvalAct` on the project workflow, which hosts the township-review step (ADR 0010) → the approval machine, then the lifecycle machine → one regular activity writing the Task rows, the Decision, the audit event and the project's stage in one transaction → the answer → response. The cascade (publicity, the next step's activation) follows the answer. " +
        'Baseline: `bench/baseline-workflows.ts` `bareApproval`, the same Update payload sent by the Temporal client, answered from the handler with no machine, activity or HTTP. ' +
        'Projection floor: `bareApprovalWithRecord`, the same bare workflow whose handler first runs one local activity (`bench/floor-activities.ts` `recordBareDecision`) inserting one AuditEvent row (request id, actor, action) in a Prisma transaction through the real hash-chain trigger, and nothing else; floor ÷ baseline is what a durable record alone takes of the 2× target, ours ÷ floor what our path costs above it. ' +
        "HTTP floor: that floor workflow behind a bare Fastify route on loopback that only looks up the bearer token (`bench/lib/floor-http.ts`): the least the issue's path (HTTP → Update → projection → response) can cost here. " +
        'Each decision acts on a distinct task / workflow; closed loop (each approver sends the next decision when the previous one answered); per level the baseline, then the floor, then the HTTP floor, then ours with `?wait=record` (the answer once the record of the step is committed, the stage of the project written just after), then ours.',
      '',
    );
    out.push(
      `Setup (not timed): ${a.setup.projects} projects through POST /api/projects, ${a.setup.concurrency} at a time, at ${a.setup.projectsPerSecond} projects/s (${a.setup.retries} requests retried with the same requestId${a.setup.retrySamples.length ? `, e.g. \`${a.setup.retrySamples[0].slice(0, 160)}\`` : ''}); ${a.setup.approvers} township reviewers of 河西镇 with their own tokens.`,
      '',
    );
    out.push(
      '| approvers | decisions | ours p50 / p95 / p99 | baseline p50 / p95 / p99 | p50 ratio | ours decisions/s | baseline decisions/s | throughput ratio | floor p50 / p95 / p99 | floor decisions/s | floor ÷ baseline p50 | ours ÷ floor p50 | HTTP floor p50 / p95 / p99 | HTTP floor ÷ baseline p50 | ours ?wait=record p50 / p95 / p99 | its decisions/s | its ÷ baseline p50 |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const l of a.levels) {
      out.push(
        `| ${l.concurrency} | ${l.decisions} | ${ms(l.ours.p50)} / ${ms(l.ours.p95)} / ${ms(l.ours.p99)} | ${ms(l.baseline.p50)} / ${ms(l.baseline.p95)} / ${ms(l.baseline.p99)} | ${x(l.p50Ratio)} | ${l.ours.perSecond} | ${l.baseline.perSecond} | ${x(l.throughputRatio)} | ${ms(l.floor.p50)} / ${ms(l.floor.p95)} / ${ms(l.floor.p99)} | ${l.floor.perSecond} | ${x(l.floorP50Ratio)} | ${x(l.oursToFloorP50Ratio)} | ${l.httpFloor ? `${ms(l.httpFloor.p50)} / ${ms(l.httpFloor.p95)} / ${ms(l.httpFloor.p99)}` : '—'} | ${l.httpFloorP50Ratio !== undefined ? x(l.httpFloorP50Ratio) : '—'} | ${l.oursRecorded ? `${ms(l.oursRecorded.p50)} / ${ms(l.oursRecorded.p95)} / ${ms(l.oursRecorded.p99)} | ${l.oursRecorded.perSecond} | ${x(l.oursRecordedP50Ratio ?? 0)}` : '— | — | —'} |`,
      );
    }
    out.push('', ...decisionBreakdown(a));
    if (a.errorSamples.length) out.push('', `Errors (first ${a.errorSamples.length}): ${a.errorSamples.map((e) => `\`${e.slice(0, 200)}\``).join('; ')}`);
    out.push('');
  }
  const i = r.inbox;
  if (!isError(i)) {
    out.push('## 3. Inbox at scale', '');
    out.push(
      `${i.data.tasks.toLocaleString('en')} tasks (${i.data.openTasks.toLocaleString('en')} open) over ${i.data.projects} projects, ${i.data.townships} townships, ${i.data.villages} villages, inserted in ${i.data.insertSeconds} s with \`INSERT ... SELECT generate_series\`, then VACUUM ANALYZE. Reviewer \`${i.reviewer.username}\` (${i.reviewer.orgPath}) sees ${i.data.reviewerVisible.toLocaleString('en')}. ` +
        "Each run: the route through `app.inject` (token lookup, Zod, serialisation included), the route's query (src/db/inbox-query.ts), the Prisma findMany + count the route sent before it, and the baseline SQL on plain `pg` (list + count in parallel), in rotating order.",
      '',
    );
    out.push('| path | p50 | p95 | p99 | max | ratio p50 / p99 vs pg |', '|---|---|---|---|---|---|');
    out.push(
      `| route (app.inject) | ${ms(i.route.p50)} | ${ms(i.route.p95)} | ${ms(i.route.p99)} | ${ms(i.route.max)} | ${x(i.routeP50Ratio)} / ${x(i.routeP99Ratio)} |`,
    );
    out.push(
      `| route's query (inbox-query.ts) | ${ms(i.prisma.p50)} | ${ms(i.prisma.p95)} | ${ms(i.prisma.p99)} | ${ms(i.prisma.max)} | ${x(i.prismaP50Ratio)} / ${x(i.prismaP99Ratio)} |`,
    );
    if (i.previous)
      out.push(
        `| previous Prisma findMany + count | ${ms(i.previous.p50)} | ${ms(i.previous.p95)} | ${ms(i.previous.p99)} | ${ms(i.previous.max)} | ${x(i.previousP50Ratio)} / ${x(i.previousP99Ratio)} |`,
      );
    out.push(`| baseline: plain pg SQL | ${ms(i.baseline.p50)} | ${ms(i.baseline.p95)} | ${ms(i.baseline.p99)} | ${ms(i.baseline.max)} | 1.00× |`, '');
    out.push('EXPLAIN (ANALYZE, FORMAT JSON), scan nodes per query:', '');
    out.push('| query | execution | scans | Task index used |', '|---|---|---|---|');
    for (const e of i.explain) {
      out.push(
        `| ${e.query} | ${ms(e.executionMs)} | ${e.scans.map((sc) => `${sc.node}${sc.relation ? ` on ${sc.relation}` : ''}${sc.index ? ` using ${sc.index}` : ''}`).join('; ')} | ${e.usesTaskIndex ? (e.seqScanOnTask ? 'partly (also a Seq Scan)' : 'yes') : e.scans.some((sc) => sc.relation === 'Task') ? '**no**' : 'n/a (no Task scan)'} |`,
      );
    }
    out.push('', `Verdict: ${i.indexVerdict}.`, '');
  }
  const h = r.history;
  if (!isError(h)) {
    out.push('## 5. History per project, thin path', '');
    out.push(
      `Path: ${h.path}; ${h.sampled} projects sampled, project workflow status ${h.project.status.join(', ')}. ` +
        `Events: project workflow mean ${h.project.mean} (max ${h.project.max}), township-review step mean ${h.step.mean} (max ${h.step.max}), together ${h.total.mean} (max ${h.total.max}); bare baseline workflow ${h.baseline.mean}. ${h.note}`,
      '',
    );
  }
  for (const py of [r.projectYears, r.projectYearsHard]) {
    if (!py || isError(py)) continue;
    out.push(`## 5. History per project-year, ${py.profile ?? 'happy'} profile (time-skipping server)`, '');
    out.push(
      `Path: ${py.path}. ${py.projects} projects driven together by the workflows' Updates (the drivers of test/support/lifecycle-drivers.ts) on the Temporal time-skipping test server, real activities on the benchmark's database, in ${py.seconds} s. ` +
        'Events: every run of the project workflow and of every child it started (approval steps, review windows), each event counted in the simulated year of its timestamp since the project started. ' +
        "Baseline: a bare workflow (`bareProjectYear`) given the same number of Updates as that year's human actions (decisions and commands) and one timer per business wait of that year (publicity periods, the year until the next evaluation).",
      '',
    );
    out.push(
      '| year | events per project: mean (max) | human actions (Updates) per project | waits | bare baseline events | ratio |',
      '|---|---|---|---|---|---|',
    );
    for (const y of py.perYear)
      out.push(`| ${y.year} | ${y.events.mean} (${y.events.max}) | ${y.updates.mean} | ${y.timers} | ${y.baseline} | ${x(y.ratio)} |`);
    out.push(
      '',
      `Per project-year: mean ${py.perProjectYear.mean}, max ${py.perProjectYear.max} (target < ${TARGET_EVENTS_PER_PROJECT_YEAR.toLocaleString('en')}: ${ok(py.perProjectYear.withinTarget)}). ` +
        `Runs per project: ${py.runs.projectRunsMean} of the project workflow (${py.runs.projectContinuedAsNew ? 'continued as new at the end of each evaluation cycle' : 'did not continue as new'}), ${py.runs.childRunsMean} child runs (${Object.entries(
          py.runs.childTypes,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}). ` +
        `Largest single run: ${py.maxRun.events} events (${py.maxRun.workflowType} ${py.maxRun.workflowId}); largest project-workflow run: ${py.maxProjectRun.events} events; the server suggests continue-as-new at ${CONTINUE_AS_NEW_SUGGESTED_AT.toLocaleString('en')}.`,
      '',
    );
  }
  const l = r.lifecycle;
  if (!isError(l)) {
    out.push('## 2. Lifecycle throughput', '');
    out.push(
      `Path: ${l.path}. Ours: the real system over HTTP (POST /api/projects, four approvals on POST /api/tasks/:id/decision). Baseline: the same workflow code and shape (project workflow + three approval-step children) on a worker whose 32 activities are no-ops, driven with the same payloads on Temporal. Both wait for the next tasks through the project workflow's state query; ${l.concurrency} projects in flight per side, closed loop, baseline first.`,
      '',
    );
    out.push(
      '| side | projects | in the pool | errors | wall | projects/min | per project p50 / p95 / p99 | events (project + steps) | commands | actions |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const [name, side] of [
      ['ours', l.ours],
      ['baseline (no-op activities)', l.baseline],
    ] as const) {
      const e = side.actions.eventsByExecution;
      out.push(
        `| ${name} | ${side.projects} | ${side.completed} | ${side.errors} | ${side.wallSeconds} s | ${side.projectsPerMinute} | ${ms(side.latency.p50)} / ${ms(side.latency.p95)} / ${ms(side.latency.p99)} | ${side.actions.events.mean} (${Object.values(e).join(' + ')}) | ${side.actions.commands.mean} | ${side.actions.actions.mean} |`,
      );
    }
    out.push(
      '',
      `Ratios (ours ÷ baseline): throughput ${x(l.throughputRatio)}, time per project p50 ${x(l.latencyP50Ratio)}, events ${x(l.eventsRatio)}, actions ${x(l.actionsRatio)}. Commands: events produced by workflow commands (activities, timers, child starts, signals sent, upserts, markers, completion). Actions: after Temporal Cloud's metering (the project workflow's start, child starts, activity attempts, timers, signals received, updates accepted, search-attribute upserts, markers; queries not counted).`,
    );
    const errs = [...l.ours.errorSamples, ...l.baseline.errorSamples];
    if (errs.length) out.push('', `Errors (first ${errs.length}): ${errs.map((e) => `\`${e.slice(0, 200)}\``).join('; ')}`);
    out.push('');
  }
  const o = r.open;
  if (!isError(o)) {
    out.push('## 4. Open workflows', '');
    out.push(
      `${o.openProjects.toLocaleString('en')} project workflows opened with update-with-start on the project worker in ${o.setup.seconds} s (${o.setup.startsPerSecond}/s, ${o.setup.concurrency} at a time, ${o.setup.retries} retries, ${o.setup.failed} failed): ${o.waitingOnTimer.toLocaleString('en')} in the village publicity on its 10-day timer, ${o.waitingOnTask.toLocaleString('en')} in the township review on a task (their approval steps open too: ${o.openExecutions.toLocaleString('en')} open executions; the server counted ${o.serverRunningCount?.toLocaleString('en') ?? '?'} running on the task queue, scenario 1–2 leftovers included).`,
      '',
    );
    out.push(
      `Worker settings (SDK defaults, as \`createWorker\` leaves them): maxCachedWorkflows ${o.worker.maxCachedWorkflows.toLocaleString('en')} (from the Node heap limit of ${o.worker.nodeHeapLimitMiB.toLocaleString('en')} MiB), maxConcurrentWorkflowTaskExecutions ${o.worker.maxConcurrentWorkflowTaskExecutions ?? 'slot supplier'}, maxConcurrentActivityTaskExecutions ${o.worker.maxConcurrentActivityTaskExecutions ?? 'slot supplier'}, reuseV8Context ${o.worker.reuseV8Context}, workflowThreadPoolSize ${o.worker.workflowThreadPoolSize}, stickyQueueScheduleToStartTimeout ${o.worker.stickyQueueScheduleToStartTimeoutMs} ms. Cached workflows after opening: ${o.worker.cachedAfterSetup.toLocaleString('en')}; after the decisions: ${o.worker.cachedAfterDecisions.toLocaleString('en')}.`,
      '',
    );
    out.push('| memory of the benchmark process (project worker + API + driver) | RSS | V8 heap used | external |', '|---|---|---|---|');
    for (const [name, m] of [
      ['before opening', o.memory.before],
      ['with them open', o.memory.afterSetup],
      ['after the decisions', o.memory.afterDecisions],
    ] as const)
      out.push(`| ${name} | ${mib(m.rssMiB)} | ${mib(m.heapUsedMiB)} | ${mib(m.externalMiB)} |`);
    out.push(
      '',
      `Peak RSS while opening: ${mib(o.memory.peakRssMiB)}. Temporal dev server (in memory) RSS: ${mib(o.memory.temporalServerRssMiB.before)} before, ${mib(o.memory.temporalServerRssMiB.afterSetup)} with them open.`,
      '',
    );
    out.push(
      'Approvals while they are open (township approvals over HTTP on tasks spread over the start order, so mostly on workflows the cache had evicted; the bare baseline at the same moment):',
      '',
    );
    out.push(
      "| approvers | decisions | ours p50 / p95 / p99 | baseline p50 / p95 / p99 | p50 ratio (target ≤ 2×) | ours p50 ÷ scenario 1's | errors |",
      '|---|---|---|---|---|---|---|',
    );
    for (const lv of o.levels) {
      out.push(
        `| ${lv.concurrency} | ${lv.decisions} | ${ms(lv.ours.p50)} / ${ms(lv.ours.p95)} / ${ms(lv.ours.p99)} | ${ms(lv.baseline.p50)} / ${ms(lv.baseline.p95)} / ${ms(lv.baseline.p99)} | ${x(lv.p50Ratio)} ${ok(lv.p50WithinTarget)} | ${lv.vsScenario1P50 !== null ? x(lv.vsScenario1P50) : '—'} | ${lv.ours.errors}/${lv.baseline.errors} |`,
      );
    }
    if (o.errorSamples.length) out.push('', `Errors (first ${o.errorSamples.length}): ${o.errorSamples.map((e) => `\`${e.slice(0, 200)}\``).join('; ')}`);
    out.push('');
  }
  const wm = r.workflowMemory;
  if (!isError(wm)) out.push('## 6. Memory per cached workflow', '', workflowMemoryMarkdown(wm), '');
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

/** Section 1's breakdown per decision, from the bench's own counters (bench/lib/decision-breakdown.ts). */
function decisionBreakdown(a: TApprovalResult): string[] {
  const out: string[] = [];
  const costed = a.levels.filter((l) => l.cost);
  if (costed.length) {
    out.push(
      "Per decision, from the bench's counters over each side's timed decisions: SQL statements sent by any `pg` client of the bench process (API and worker pools), and CPU from /proc of the bench process (API, worker, SDK core), the Temporal server and the database processes.",
      '',
      '| approvers | side | SQL statements | writes / reads / transaction control | CPU ms total | bench process / Temporal server / database |',
      '|---|---|---|---|---|---|',
    );
    for (const l of costed) {
      for (const [side, c] of Object.entries(l.cost!)) {
        out.push(
          `| ${l.concurrency} | ${side} | ${c.sql.statements} | ${c.sql.writes} / ${c.sql.reads} / ${c.sql.transactionControl} | ${c.cpuMs.total} | ${c.cpuMs.benchProcess} / ${c.cpuMs.temporalServer} / ${Number.isNaN(c.cpuMs.database) ? 'n/a' : c.cpuMs.database} |`,
        );
      }
    }
    out.push('');
  }
  const t = a.temporal;
  if (t) {
    out.push(
      `Temporal operations per decision (${t.sampled} decisions of the first level; the histories of each project workflow and of every workflow it started, events split at the decision's answer):`,
      '',
      '| when | workflows | workflow tasks | Updates accepted | activities | local activities | child workflows | search-attribute upserts | signals | timers | events |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const [when, c] of [
      ['before the answer', t.beforeAnswer],
      ['after the answer (cascade)', t.afterAnswer],
    ] as const) {
      out.push(
        `| ${when} | ${c.workflows} | ${c.workflowTasks} | ${c.updatesAccepted} | ${c.activities} | ${c.localActivities} | ${c.childWorkflows} | ${c.searchAttributeUpserts} | ${c.signals} | ${c.timers} | ${c.events} |`,
      );
    }
    const m = t.pathMs;
    out.push(
      '',
      "Time on the answer's path, ms per decision (the same decisions; history event times and the bench's send/answer times; activities may overlap workflow tasks):",
      '',
      '| request → first workflow task (route, client, admission) | workflow tasks (scheduled → completed) | activities (scheduled → completed) | last event → answer received | total |',
      '|---|---|---|---|---|',
      `| ${m.toFirstWorkflowTask} | ${m.workflowTasks} | ${m.activities} | ${m.afterLastEvent} | ${m.total} |`,
    );
    out.push('');
  }
  return out;
}
