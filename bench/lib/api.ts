/**
 * How the benchmark acts: as users over HTTP (the Fastify app on loopback), and, for the
 * baselines, straight on Temporal with the same payloads. Shared by the scenarios.
 */
import crypto from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TActor } from '../../src/domain/actor';
import { actorForToken, issueToken } from '../../src/auth/tokens';
import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';
import type { TProposal } from '../../src/domain/lifecycle/proposal';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import { approvalActUpdate } from '../../workflows/messages/approval-step';
import { projectWorkflowId, registerProjectUpdate, type TProjectLifecycleInput } from '../../workflows/messages/project';
import { PASSED_CHECKS, sampleProposal } from '../../test/support/proposal';
import type { TStack } from './services';

export const benchRequestId = (prefix = 'bench') => `${prefix}-${crypto.randomUUID()}`;

/** The demo proposal (test/support) with a numbered name and a fresh requestId, as POST /api/projects takes it. */
export const benchProposal = (i: number) => ({ requestId: benchRequestId(), ...sampleProposal({ name: `基准项目 ${i} 高山茶园提质扩面` }) });

export async function http(stack: TStack, method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
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

export interface TCreated {
  projectId: string;
  workflowId: string;
  taskId: string | null;
}

/** POST /api/projects as the demo village committee; a failed start is retried with the same requestId (idempotent). */
export async function createProjectOverHttp(stack: TStack, i: number, retries: string[] = []): Promise<TCreated> {
  const body = benchProposal(i);
  let last = '';
  for (let attempt = 1; attempt <= 4; attempt++) {
    const res = await http(stack, 'POST', '/api/projects', stack.tokens.village, body);
    if (res.status === 201 || res.status === 200) return res.json as TCreated;
    last = `POST /api/projects answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`;
    retries.push(last);
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
  throw new Error(last);
}

/**
 * An approval over HTTP; `expectStage` checks the answer's stage. By default the answer comes once
 * the project's stage is written; with `wait: 'record'` once the step's own record is committed.
 */
export async function approveOverHttp(stack: TStack, taskId: string, token: string, expectStage?: string, wait: 'stage' | 'record' = 'stage'): Promise<void> {
  const res = await http(stack, 'POST', `/api/tasks/${encodeURIComponent(taskId)}/decision${wait === 'record' ? '?wait=record' : ''}`, token, {
    action: 'approve',
    comment: '材料齐全',
    checks: PASSED_CHECKS,
    requestId: benchRequestId('bench-d'),
  });
  if (res.status !== 200 || (expectStage && res.json?.stageAfter !== expectStage))
    throw new Error(`decision answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
}

/** The same approval sent straight to the step workflow's Update (no HTTP, no token lookup). */
export async function approveOnTemporal(stack: TStack, stepWorkflowId: string, taskId: string, actor: TActor): Promise<void> {
  const requestId = benchRequestId('bench-d');
  await stack.client.workflow.getHandle(stepWorkflowId).executeUpdate(approvalActUpdate, {
    args: [{ requestId, taskId, actor, action: { type: 'APPROVE', comment: '材料齐全', checks: PASSED_CHECKS }, comment: '材料齐全' }],
    updateId: requestId,
  });
}

/** Distinct township reviewers of 河西镇 with their own tokens (created once per run, then reused). */
export async function townshipApprovers(stack: TStack, n: number): Promise<Array<{ token: string; actor: TActor }>> {
  const township = await stack.appPrisma.orgUnit.findUniqueOrThrow({ where: { id: 't-hexi' } });
  const out: Array<{ token: string; actor: TActor }> = [];
  for (let i = 0; i < n; i++) {
    const username = `bench-reviewer-${i + 1}`;
    const user =
      (await stack.appPrisma.user.findUnique({ where: { username } })) ??
      (await stack.appPrisma.user.create({
        data: {
          username,
          displayName: `基准审核员 ${i + 1}`,
          passwordHash: 'bench-no-login',
          homeOrgUnitId: township.id,
          roles: { create: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: township.id }] },
        },
      }));
    out.push({
      token: await issueToken(stack.appPrisma, user.id, 'bench'),
      actor: { userId: user.id, displayName: user.displayName, roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: township.id, orgPath: township.path }] },
    });
  }
  return out;
}

/** The actor a demo user's token stands for (as the API resolves it), for Temporal-side baselines. */
export async function demoActor(stack: TStack, username: string): Promise<TActor> {
  const actor = await actorForToken(stack.appPrisma, stack.tokens[username]!);
  if (!actor) throw new Error(`the ${username} token does not resolve`);
  return actor;
}

/**
 * The workflow input POST /api/projects builds for the demo village (src/http/routes/projects.ts),
 * for starting project workflows from the Temporal client: `publicity` overrides the 0-day periods.
 */
export async function projectInput(
  stack: TStack,
  proposer: TActor,
  projectId: string,
  publicity: Partial<typeof DEFAULT_COUNTY_SETTINGS.publicity> = {},
): Promise<TProjectLifecycleInput> {
  const village = await stack.appPrisma.orgUnit.findUniqueOrThrow({ where: { id: 'v-taoyuan' }, include: { parent: { include: { parent: true } } } });
  const township = village.parent!;
  const county = township.parent!;
  const { requestId, ...proposal } = benchProposal(0);
  return {
    projectId,
    proposal: proposal as TProposal,
    proposer,
    requestId,
    county: { id: county.id, name: county.name, path: county.path },
    township: { id: township.id, name: township.name, path: township.path },
    village: { id: village.id, name: village.name, path: village.path },
    publicity: { ...DEFAULT_COUNTY_SETTINGS.publicity, ...stack.publicity, ...publicity },
  };
}

/** Starts a project workflow as the API does (update-with-start), on `taskQueue`; answers once registered. */
export async function startProjectOnTemporal(stack: TStack, taskQueue: string, input: TProjectLifecycleInput): Promise<TCreated> {
  const workflowId = projectWorkflowId(input.projectId);
  const registered = await stack.client.workflow.executeUpdateWithStart(registerProjectUpdate, {
    args: [],
    updateId: `register-${input.requestId}`,
    startWorkflowOperation: new WithStartWorkflowOperation<typeof projectLifecycle>('projectLifecycle', {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  return { projectId: input.projectId, workflowId, taskId: registered.taskId };
}
