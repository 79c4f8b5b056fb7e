/**
 * Custom search attributes a monitor filters on in the Temporal UI, set by the project and review
 * workflows and registered by src/temporal/search-attributes.ts (and the test servers).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  ProjectStage: defineSearchAttributeKey('ProjectStage', SearchAttributeType.KEYWORD),
  County: defineSearchAttributeKey('County', SearchAttributeType.KEYWORD),
  Township: defineSearchAttributeKey('Township', SearchAttributeType.KEYWORD),
  Village: defineSearchAttributeKey('Village', SearchAttributeType.KEYWORD),
  Industry: defineSearchAttributeKey('Industry', SearchAttributeType.KEYWORD),
  ApprovedFen: defineSearchAttributeKey('ApprovedFen', SearchAttributeType.INT),
  PendingRoles: defineSearchAttributeKey('PendingRoles', SearchAttributeType.KEYWORD_LIST),
  /** The fiscal year of the pool the project is in, then of its allocation. */
  FiscalYear: defineSearchAttributeKey('FiscalYear', SearchAttributeType.INT),
  /** Money paid out so far (fen). */
  DisbursedFen: defineSearchAttributeKey('DisbursedFen', SearchAttributeType.INT),
  /** EXCELLENT / GOOD / FAIR / POOR of the latest approved evaluation. */
  LatestGrade: defineSearchAttributeKey('LatestGrade', SearchAttributeType.KEYWORD),
  /** Codes of the open risk flags (DUPLICATE_INVOICE, PAYEE_NOT_IMPLEMENTER, ...). */
  RiskFlags: defineSearchAttributeKey('RiskFlags', SearchAttributeType.KEYWORD_LIST),
  /** Fault-tolerance review: the machine state of the case (application ... resultApplied). */
  ReviewStage: defineSearchAttributeKey('ReviewStage', SearchAttributeType.KEYWORD),
  /** Fault-tolerance review: EXEMPT, LENIENT or NOT_EXEMPT once decided. */
  Outcome: defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD),
  /** Lifecycle: types of the system events the machine refused (an anomaly for a monitor). */
  RefusedEvents: defineSearchAttributeKey('RefusedEvents', SearchAttributeType.KEYWORD_LIST),
} as const;
