import type { z } from 'zod';
import type { TTaskPayment, TTaskSigner, TUrgeMark, ZProposalChange } from '../../http/schemas/task-matter';

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
  urge: TUrgeMark | null;
  proposalRevision: {
    version: number;
    revisedAt: string;
    author: { userId: string; displayName: string | null };
    changes: Array<z.infer<typeof ZProposalChange>>;
  } | null;
  /** 退回修改: the proposal as it stands, for the revision form. */
  proposal: Record<string, unknown> | null;
}
export interface TPerson {
  userId: string;
  displayName: string;
}
