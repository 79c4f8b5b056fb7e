import type { TApprovalContext, TApprovalTask } from './approval-context';

export function findTask(context: TApprovalContext, taskKey: string): TApprovalTask | undefined {
  return context.tasks.find((task) => task.taskKey === taskKey);
}

export function isOpen(task: TApprovalTask): boolean {
  return task.outcome === null;
}

/** Open and not waiting for an earlier signer: this task's signer may act now (if the step is pending). */
export function isActive(context: TApprovalContext, task: TApprovalTask): boolean {
  if (!isOpen(task)) return false;
  if (task.after === null) return true;
  return findTask(context, task.after)?.outcome === 'APPROVED';
}

export function activeTasks(context: TApprovalContext): TApprovalTask[] {
  return context.tasks.filter((task) => isActive(context, task));
}

/** Everything that (transitively) waits for `taskKey`. */
export function dependentKeys(context: TApprovalContext, taskKey: string): Set<string> {
  const result = new Set<string>();
  const frontier = [taskKey];
  while (frontier.length > 0) {
    const current = frontier.pop() as string;
    for (const task of context.tasks) {
      if (task.after === current && !result.has(task.taskKey)) {
        result.add(task.taskKey);
        frontier.push(task.taskKey);
      }
    }
  }
  return result;
}

/** User ids that already approved or rejected something in this chain (this step or earlier ones). */
export function signerIds(context: TApprovalContext): Set<string> {
  const ids = new Set(context.config.priorSignerIds);
  for (const task of context.tasks) {
    if ((task.outcome === 'APPROVED' || task.outcome === 'REJECTED') && task.decidedBy) ids.add(task.decidedBy);
  }
  return ids;
}
