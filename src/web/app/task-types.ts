import type { TTaskPayment, TTaskSigner } from '../../http/schemas/task-matter';

/** GET /api/web/tasks/:taskId: the task, what the signed-in user may do on it now, and its matter. */
export interface TWebTask {
  id: string;
  projectId: string;
  kind: string;
  title: string;
  status: string;
  mode: string | null;
  dueAt: string | null;
  overdue: boolean;
  project: { id: string; name: string; stage: string; industry: string; budgetFen: number };
  actions: string[];
  returnTargets?: Array<{ stepId: string; label?: string }>;
  transferTargets: TPerson[];
  signerTargets: TPerson[];
  ccTargets: TPerson[];
  payment: TTaskPayment | null;
  signers: TTaskSigner[];
}
export interface TPerson {
  userId: string;
  displayName: string;
}
