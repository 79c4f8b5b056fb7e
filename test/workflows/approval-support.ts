import crypto from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from '@temporalio/client';
import type { TApprovalStepConfigInput, TSignerSlot } from '../../src/domain/approval';
import type { TPrisma } from '../../src/db/prisma';
import { approvalStateQuery, type TApprovalStepInput } from '../../workflows/messages/approval-step';
import type { approvalStep } from '../../workflows/approval-step';
import { taoyuanProjectRow } from '../support/project-row';

export const PATHS: Record<string, string> = {
  'c-qingshan': '/c-qingshan/',
  't-hexi': '/c-qingshan/t-hexi/',
  't-dongling': '/c-qingshan/t-dongling/',
  'v-taoyuan': '/c-qingshan/t-hexi/v-taoyuan/',
};
export const TOWNSHIP_SLOT: TSignerSlot = { kind: 'role', role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi', orgPath: ['c-qingshan', 't-hexi'] };
export const AGRI_SLOT: TSignerSlot = { kind: 'role', role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-qingshan', orgPath: ['c-qingshan'] };

/** A Project row for the step's Task rows to hang on (the lifecycle is not involved here). */
export async function createProject(prisma: TPrisma, proposerId: string): Promise<string> {
  const id = `as-${crypto.randomBytes(5).toString('hex')}`;
  await prisma.project.create({
    data: taoyuanProjectRow({ id, name: `审批环节测试 ${id}`, proposerId, orgPath: PATHS['v-taoyuan']! }),
  });
  return id;
}

export function stepInput(projectId: string, config: TApprovalStepConfigInput): TApprovalStepInput {
  return {
    config,
    projectId,
    kind: 'TOWNSHIP_REVIEW',
    title: '乡镇审核',
    resubmitTask: {
      kind: 'REVISE_AND_RESUBMIT',
      title: '退回修改后重新提交',
      candidateRole: 'VILLAGE_COMMITTEE',
      candidateOrgUnitId: 'v-taoyuan',
      candidateOrgPath: PATHS['v-taoyuan']!,
    },
  };
}

/** Starts a step as a top-level workflow and waits until its first Task rows are written. */
export async function startStep(opts: { client: Client; prisma: TPrisma; taskQueue: string; projectId: string; config: TApprovalStepConfigInput }) {
  const workflowId = `step-${crypto.randomUUID()}`;
  const handle = await opts.client.workflow.start<typeof approvalStep>('approvalStep', {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [stepInput(opts.projectId, opts.config)],
  });
  await expect.poll(() => opts.prisma.task.count({ where: { workflowId } }), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
  return { workflowId, handle, taskId: (n: number) => `${workflowId}:${opts.config.stepId}#${n}` };
}

/** A fresh Project row proposed by the step's applicant, and a step started on it. */
export async function startStepOnNewProject(opts: { client: Client; prisma: TPrisma; taskQueue: string; config: TApprovalStepConfigInput }) {
  const projectId = await createProject(opts.prisma, opts.config.applicantId);
  return { ...(await startStep({ ...opts, projectId })), projectId };
}

/** Everything a refusal must leave untouched: records, task rows, and the workflow's own state. */
export async function fingerprint(prisma: TPrisma, client: Client, workflowId: string) {
  const tasks = await prisma.task.findMany({
    where: { workflowId },
    orderBy: { id: 'asc' },
    select: { id: true, status: true, claimedBy: true, urgeCount: true, outcome: true },
  });
  const ids = tasks.map((t) => t.id);
  const state = await client.workflow.getHandle(workflowId).query(approvalStateQuery);
  return {
    tasks,
    decisions: await prisma.decision.count({ where: { taskId: { in: ids } } }),
    audits: await prisma.auditEvent.count({ where: { entityId: { in: ids } } }),
    ccs: await prisma.taskCc.count({ where: { workflowId } }),
    value: state.value,
    history: state.snapshotContext.history.length,
  };
}
