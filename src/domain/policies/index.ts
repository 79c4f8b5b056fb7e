/** Pure domain policies for the project lifecycle (issue 4): no I/O, no clock, no Temporal. */
export * from './calendar-date';
export * from './collective-decision';
export * from './disbursement-schedule';
export * from './evaluation-scoring';
export * from './income-distribution';
export * from './money';
export * from './risk-checks';
export * from './settings';
export * from './validate';
export * from './visible-name';
