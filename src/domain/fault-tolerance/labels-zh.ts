import type { TReviewState } from './review-machine';
import type { TOutcome, TTriggerType } from './schemas';

/** User-facing Chinese labels (glossary of domain.md §3), kept in one place. */
export const TRIGGER_LABELS_ZH: Record<TTriggerType, string> = {
  POOR_GRADE: '项目绩效评价等次为"差"',
  REPLACEMENT: '项目调换',
  LOSS: '项目造成损失',
  ACCOUNTABILITY: '问责',
};

export const OUTCOME_LABELS_ZH: Record<TOutcome, string> = {
  EXEMPT: '免责',
  LENIENT: '从轻/减轻',
  NOT_EXEMPT: '不予免责',
};

export const STATE_LABELS_ZH: Record<TReviewState, string> = {
  application: '申请',
  lapsed: '逾期未申请',
  admissibility: '受理',
  refused: '不予受理/终止',
  investigation: '调查核实',
  collectiveDecision: '集体研究认定',
  writtenNotice: '书面反馈',
  publicity: '公示/报备',
  appealWindow: '申诉期',
  appeal: '申诉/复核',
  reInvestigation: '复核调查',
  reDecision: '复核认定',
  resultApplied: '结果运用',
};
