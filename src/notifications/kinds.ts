/**
 * What a notification says. The in-app centre words it in the reader's language from the kind and
 * params (src/web/app/i18n.ts); e-mail and group robots get the Chinese text made here, when the
 * notice is written, so a delivery sends what was true at that moment.
 */
export const NOTIFICATION_KINDS = ['TASK_OPENED', 'TASK_URGED', 'TASK_REMINDED', 'TASK_ESCALATED', 'DECISION'] as const;
export type TNotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The params a notice carries: the project's name, and for a decision its action. */
export interface TNoticeParams {
  projectName?: string;
  action?: string;
  actorName?: string;
}

const DECISION_ZH: Record<string, string> = { APPROVE: '同意', REJECT: '不同意', RETURN: '退回' };

/** The decision's action in Chinese (an action without a label is still a decision: 已处理). */
export const decisionLabelZh = (action: string | undefined) => (action && DECISION_ZH[action.toUpperCase()]) ?? '已处理';

const SUBJECT_ZH: Record<TNotificationKind, string> = {
  TASK_OPENED: '新待办',
  TASK_URGED: '催办',
  TASK_REMINDED: '即将到期',
  TASK_ESCALATED: '已超期上报',
  DECISION: '审批结果',
};

export function renderZh({ kind, title, params }: { kind: TNotificationKind; title: string; params: TNoticeParams }): { subject: string; body: string } {
  const project = params.projectName ? `项目「${params.projectName}」` : '';
  const subject = `【帮扶】${SUBJECT_ZH[kind]}：${title}`;
  const by = params.actorName ? `${params.actorName}` : '';
  const body = {
    TASK_OPENED: `${project}有一项待您办理：${title}。`,
    TASK_URGED: `${by || '有人'}催办${project}的「${title}」，请尽快办理。`,
    TASK_REMINDED: `${project}的「${title}」即将到期，请及时办理。`,
    TASK_ESCALATED: `${project}的「${title}」已超期，已按规定上报。`,
    DECISION: `${project}的「${title}」已办理：${decisionLabelZh(params.action)}${by ? `（${by}）` : ''}。`,
  }[kind];
  return { subject, body };
}
