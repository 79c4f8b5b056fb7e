/**
 * The approval step (审批环节) as pure domain code: config and event schemas, the XState machine,
 * the pre-step check used by Update validators and guards, and derivations for Task rows.
 *
 * Glossary: 依次 SEQUENTIAL, 会签 COUNTERSIGN, 或签 ANY_ONE, 退回 RETURN, 重新提交 RESUBMIT,
 * 转交 TRANSFER, 加签 ADD_SIGNER, 认领 CLAIM, 评论 COMMENT, 撤回 WITHDRAW, 抄送 CC, 催办 URGE.
 */
export * from './approval-config';
export * from './approval-events';
export * from './approval-context';
export { activeTasks, findTask, signerIds } from './approval-tasks';
export * from './org-scope';
export * from './signer-scope';
export * from './named-people';
export * from './check-approval-action';
export { applyApprovalEvent } from './apply-approval-action';
export * from './approval-machine';
export * from './pending-signers';
export * from './approval-effects';
export * from './find-applied-request';
