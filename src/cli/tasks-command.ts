import crypto from 'node:crypto';
import type { TApi } from './api-client';
import { emit, renderTable, type TIo } from './output';

interface TTaskRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  dueAt: string | null;
  projectId: string;
  project: { name: string; stage: string };
}

export async function listTasks({ api, io, kind, page, pageSize }: { api: TApi; io: TIo; kind?: string; page?: string; pageSize?: string }) {
  const q = new URLSearchParams({ ...(kind ? { kind } : {}), ...(page ? { page } : {}), ...(pageSize ? { pageSize } : {}) });
  const res = await api.get<{ items: TTaskRow[]; total: number }>(`/api/tasks?${q}`);
  emit(
    io,
    res,
    () =>
      renderTable(
        ['TASK', 'KIND', 'DUE', 'PROJECT'],
        res.items.map((t) => [t.id, t.kind, t.dueAt?.slice(0, 10) ?? '', t.project.name]),
      ) + `${res.items.length} of ${res.total}\n`,
  );
}

/** The action's own fields, from the few flags that carry them; the server validates the rest. */
export interface TActionExtras {
  toUser?: string;
  returnStep?: string;
  recipients?: string;
  /** The township review's five checks: `pass` (each passed) or their JSON object. */
  checks?: string;
}

const FIVE_CHECKS = ['authenticity', 'necessity', 'soundness', 'completeness', 'feasibility'];
const checksOf = (flag: string) =>
  flag === 'pass' ? Object.fromEntries(FIVE_CHECKS.map((c) => [c, { result: 'PASS' }])) : (JSON.parse(flag) as Record<string, unknown>);

/** A fresh request id per invocation unless given: pass --request-id to make a retry safe. */
export async function actOnTask({
  api,
  io,
  taskId,
  action,
  comment,
  requestId,
  extras = {},
  wait,
}: {
  api: TApi;
  io: TIo;
  taskId: string;
  action: string;
  comment?: string;
  requestId?: string;
  extras?: TActionExtras;
  /** `record`: answer once the decision is recorded, the project's stage following (bulk scripts). */
  wait?: string;
}) {
  const body = {
    action,
    ...(comment ? { comment } : {}),
    ...(extras.toUser ? { toUserId: extras.toUser } : {}),
    ...(extras.returnStep ? { returnTo: { to: 'STEP', stepId: extras.returnStep } } : {}),
    ...(extras.checks ? { checks: checksOf(extras.checks) } : {}),
    ...(extras.recipients
      ? {
          recipientIds: extras.recipients
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        }
      : {}),
    requestId: requestId ?? `cli-${crypto.randomUUID()}`,
  };
  const res = await api.post<{ stageBefore: string; stageAfter: string; nextTaskId: string | null; replayed?: boolean }>(
    `/api/tasks/${encodeURIComponent(taskId)}/decision${wait ? `?wait=${encodeURIComponent(wait)}` : ''}`,
    body,
  );
  emit(
    io,
    res.body,
    () =>
      `${action}: ${res.body.stageBefore} → ${res.body.stageAfter}${res.body.nextTaskId ? `  next task ${res.body.nextTaskId}` : ''}${res.body.replayed ? '  (already applied)' : ''}\n`,
  );
}
