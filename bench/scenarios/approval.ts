/**
 * Scenario 1, approval round trip. Ours: an approver's decision over HTTP (Fastify on loopback)
 * → approval-step Update → XState machine → projection activity → parent lifecycle report and
 * acknowledgement → response. Baseline: a bare workflow (bench/baseline-workflows.ts) taking the
 * same Update payload straight from the Temporal client. Both sides run at each concurrency
 * level in the same run, on the same dev server, each decision on a distinct task.
 */
import crypto from 'node:crypto';
import type { TApprovalActCommand } from '../../workflows/shared';
import type { TActor } from '../../src/domain/actor';
import { issueToken } from '../../src/auth/tokens';
import { bareApproval, bareApproveUpdate } from '../baseline-workflows';
import { sampleProposal } from '../../test/support/proposal';
import { decisionsFor, type TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { drive, pool, ratio, summarize, type TLatency } from '../lib/stats';

export interface TApprovalLevel {
  concurrency: number;
  decisions: number;
  ours: TLatency & { perSecond: number; errors: number };
  baseline: TLatency & { perSecond: number; errors: number };
  p50Ratio: number;
  p95Ratio: number;
  p99Ratio: number;
  /** ours decisions/s ÷ baseline decisions/s (1 = as fast; below 1 = slower). */
  throughputRatio: number;
  p50WithinTarget: boolean;
}

export interface TApprovalResult {
  target: string;
  setup: { projects: number; projectsPerSecond: number; approvers: number; concurrency: number; retries: number; retrySamples: string[] };
  levels: TApprovalLevel[];
  errorSamples: string[];
  /** Workflow ids used by the history scenario. */
  projectWorkflowIds: string[];
  baselineWorkflowIds: string[];
}

const TARGET_P50_RATIO = 1.5;

/** The demo proposal (test/support) with a numbered name and a fresh requestId, as POST /api/projects takes it. */
const benchProposal = (i: number) => ({ requestId: `bench-${crypto.randomUUID()}`, ...sampleProposal({ name: `基准项目 ${i} 高山茶园提质扩面` }) });

async function http(stack: TStack, method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${stack.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Every pending township-review task the reviewer sees, through GET /api/tasks. */
async function pendingTaskIds(stack: TStack, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await http(stack, 'GET', `/api/tasks?view=pending&kind=TOWNSHIP_REVIEW&pageSize=200&page=${page}`, token);
    if (res.status !== 200) throw new Error(`GET /api/tasks answered ${res.status}: ${JSON.stringify(res.json)}`);
    ids.push(...(res.json.items as Array<{ id: string }>).map((t) => t.id));
    if (ids.length >= res.json.total || res.json.items.length === 0) return ids;
  }
}

export async function runApproval(stack: TStack, settings: TBenchSettings, log: (line: string) => void): Promise<TApprovalResult> {
  const levels = settings.concurrency;
  const perLevel = levels.map((c) => decisionsFor(settings, c));
  const total = settings.warmup + perLevel.reduce((a, b) => a + b, 0);
  const approvers = Math.max(...levels);

  // Approvers: distinct township reviewers of 河西镇, one bearer token each.
  const township = await stack.appPrisma.orgUnit.findUniqueOrThrow({ where: { id: 't-hexi' } });
  const approverTokens: string[] = [];
  const approverActors: TActor[] = [];
  for (let i = 0; i < approvers; i++) {
    const user = await stack.appPrisma.user.create({
      data: {
        username: `bench-reviewer-${i + 1}`,
        displayName: `基准审核员 ${i + 1}`,
        passwordHash: 'bench-no-login',
        homeOrgUnitId: township.id,
        roles: { create: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: township.id }] },
      },
    });
    approverTokens.push(await issueToken(stack.appPrisma, user.id, 'bench'));
    approverActors.push({ userId: user.id, displayName: user.displayName, roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: township.id, orgPath: township.path }] });
  }

  // Projects through the API (update-with-start), so every task is a real township review.
  log(`  creating ${total} projects via POST /api/projects (${settings.setupConcurrency} at a time)`);
  const t0 = performance.now();
  const setupRetries: string[] = [];
  const created = await pool(
    Array.from({ length: total }, (_, i) => i),
    settings.setupConcurrency,
    async (i) => {
      // A failed start is retried with the same requestId, which the API makes idempotent.
      const body = benchProposal(i);
      let last = '';
      for (let attempt = 1; attempt <= 4; attempt++) {
        const res = await http(stack, 'POST', '/api/projects', stack.tokens.village, body);
        if (res.status === 201 || res.status === 200) return res.json as { projectId: string; workflowId: string; taskId: string };
        last = `POST /api/projects answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`;
        setupRetries.push(last);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
      throw new Error(last);
    },
  );
  const setupSeconds = (performance.now() - t0) / 1000;
  const taskIds = await pendingTaskIds(stack, stack.tokens.township);
  if (taskIds.length < total) throw new Error(`expected ${total} pending township tasks, the inbox shows ${taskIds.length}`);
  log(`  ${created.length} projects in ${setupSeconds.toFixed(1)} s (${setupRetries.length} retried); ${taskIds.length} pending tasks in the township inbox`);

  // Baseline workflows, started and past their first workflow task before anything is timed.
  const bareIds = Array.from({ length: total }, (_, i) => `bench-bare-${i}-${crypto.randomBytes(3).toString('hex')}`);
  await pool(bareIds, settings.setupConcurrency, (workflowId) =>
    stack.client.workflow.start(bareApproval, { workflowId, taskQueue: stack.baselineTaskQueue, args: [] }),
  );
  await pool(bareIds, settings.setupConcurrency, async (workflowId) => {
    for (let i = 0; i < 200; i++) {
      const d = await stack.client.workflow.getHandle(workflowId).describe();
      if ((d.historyLength ?? 0) >= 4) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  const ours = (taskId: string, approver: number) =>
    http(stack, 'POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, approverTokens[approver], {
      action: 'approve',
      comment: '材料齐全',
      requestId: `bench-d-${crypto.randomUUID()}`,
    }).then((res) => {
      if (res.status !== 200 || res.json?.stageAfter !== 'TOWNSHIP_PUBLICITY') throw new Error(`decision answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
    });
  const baseline = (workflowId: string, approver: number) => {
    const requestId = `bench-d-${crypto.randomUUID()}`;
    const cmd: TApprovalActCommand = { requestId, taskId: `${workflowId}:t1`, actor: approverActors[approver], action: { type: 'APPROVE', comment: '材料齐全' }, comment: '材料齐全' };
    return stack.client.workflow
      .getHandle(workflowId)
      .executeUpdate(bareApproveUpdate, { args: [cmd], updateId: requestId })
      .then((r) => {
        if (r.phaseAfter !== 'approved') throw new Error(`baseline answered ${JSON.stringify(r)}`);
      });
  };

  const ourQueue = [...taskIds.slice(0, total)];
  const bareQueue = [...bareIds];
  const take = <T>(q: T[], n: number) => q.splice(0, n);

  if (settings.warmup > 0) {
    await drive(take(ourQueue, settings.warmup), 1, ours);
    await drive(take(bareQueue, settings.warmup), 1, baseline);
  }

  const results: TApprovalLevel[] = [];
  const errorSamples: string[] = [];
  for (let i = 0; i < levels.length; i++) {
    const c = levels[i];
    const n = perLevel[i];
    // Baseline first, then ours, at the same level on the same warm services.
    const b = await drive(take(bareQueue, n), c, baseline);
    const o = await drive(take(ourQueue, n), c, ours);
    errorSamples.push(...o.errors.slice(0, 3), ...b.errors.slice(0, 3));
    const oS = { ...summarize(o.latencies), perSecond: round1((o.latencies.length / o.wallMs) * 1000), errors: o.errors.length };
    const bS = { ...summarize(b.latencies), perSecond: round1((b.latencies.length / b.wallMs) * 1000), errors: b.errors.length };
    const level: TApprovalLevel = {
      concurrency: c,
      decisions: n,
      ours: oS,
      baseline: bS,
      p50Ratio: ratio(oS.p50, bS.p50),
      p95Ratio: ratio(oS.p95, bS.p95),
      p99Ratio: ratio(oS.p99, bS.p99),
      throughputRatio: ratio(oS.perSecond, bS.perSecond),
      p50WithinTarget: ratio(oS.p50, bS.p50) <= TARGET_P50_RATIO,
    };
    results.push(level);
    log(`  c=${c}: ours p50 ${oS.p50} ms, ${oS.perSecond}/s · baseline p50 ${bS.p50} ms, ${bS.perSecond}/s · p50 ratio ${level.p50Ratio}× · throughput ratio ${level.throughputRatio}${o.errors.length + b.errors.length ? ` · errors ${o.errors.length}/${b.errors.length}` : ''}`);
  }

  return {
    target: `ours p50 ≤ ${TARGET_P50_RATIO}× baseline p50`,
    setup: { projects: created.length, projectsPerSecond: round1(created.length / setupSeconds), approvers, concurrency: settings.setupConcurrency, retries: setupRetries.length, retrySamples: setupRetries.slice(0, 5) },
    levels: results,
    errorSamples: errorSamples.slice(0, 10),
    projectWorkflowIds: created.map((p) => p.workflowId),
    baselineWorkflowIds: bareIds,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
