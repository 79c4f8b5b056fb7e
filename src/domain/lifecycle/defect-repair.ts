/**
 * Defects found in the guarantee period (缺陷责任期, domain.md §2.8 质保金): reported by the village,
 * the township, the supervising department or a monitor; repaired by the implementer; the repair
 * verified by the supervising department. Only an open defect (reported or repaired, not yet
 * verified) holds the retention back.
 */
export type TDefectStatus = 'OPEN' | 'REPAIRED' | 'VERIFIED';

export interface TDefect {
  id: string;
  status: TDefectStatus;
  reportedBy: string;
  repairedBy?: string;
}

/** Defects whose repair is not verified yet. */
export const openDefectCount = (defects: readonly TDefect[]) => defects.filter((d) => d.status !== 'VERIFIED').length;

export interface TDefectRefusal {
  code: 'DEFECT_NOT_FOUND' | 'CONFLICT' | 'TRANSITION_NOT_ALLOWED' | 'ALREADY_VERIFIED' | 'VALIDATION_FAILED' | 'SEPARATION_OF_DUTIES';
  message: string;
  field: string;
}

type TDefectCommand =
  | { type: 'REPORT_DEFECT_REPAIRED'; defectId: string }
  | { type: 'VERIFY_DEFECT_REPAIR'; defectId: string; result: 'ACCEPTED' | 'REJECTED'; comment?: string | undefined };

/**
 * open → repaired (the implementer, with evidence) → verified (the supervising department, not
 * whoever reported the repair) or, rejected with a comment, open again.
 */
export function defectCommandRefusal(defects: readonly TDefect[], command: TDefectCommand, actorId: string): TDefectRefusal | null {
  const defect = defects.find((d) => d.id === command.defectId);
  if (!defect) return { code: 'DEFECT_NOT_FOUND', message: `no defect ${command.defectId} on this project`, field: 'body.command.defectId' };
  if (command.type === 'REPORT_DEFECT_REPAIRED') {
    return defect.status === 'OPEN'
      ? null
      : { code: 'CONFLICT', message: `defect ${defect.id} is already ${defect.status.toLowerCase()}`, field: 'body.command.defectId' };
  }
  if (defect.status === 'VERIFIED')
    return { code: 'ALREADY_VERIFIED', message: `the repair of defect ${defect.id} is already verified`, field: 'body.command.defectId' };
  if (defect.status === 'OPEN')
    return { code: 'TRANSITION_NOT_ALLOWED', message: `defect ${defect.id} is not reported repaired yet`, field: 'body.command.defectId' };
  if (defect.repairedBy === actorId) return { code: 'SEPARATION_OF_DUTIES', message: 'whoever reported the repair does not verify it', field: 'actor' };
  if (command.result === 'REJECTED' && !command.comment)
    return { code: 'VALIDATION_FAILED', message: 'a rejected repair needs a comment saying what is still wrong', field: 'body.command.comment' };
  return null;
}
