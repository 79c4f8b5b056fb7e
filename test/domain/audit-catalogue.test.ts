import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { writeAuditEvent, type TAuditWriter } from '../../src/audit/write-audit-event';
import { AUDIT_ACTIONS, AUDIT_DETAILS, AuditCatalogueError, checkAuditPayload, ZAuditAction } from '../../src/domain/audit/audit-events';
import { ZApprovalEvent, ZReviewEvent } from '../../src/domain/zod-schemas';
import { PAYMENT_STATES } from '../../src/domain/payment/payment-machine';

/**
 * The audit vocabulary (src/domain/audit/audit-events.ts): every action has a details schema, the
 * actions built from machine events cover every event, a row that does not fit is refused naming
 * the action and the field, and the write path inserts nothing then. docs/architecture.md lists
 * exactly the catalogue's actions.
 */

const refusal = (payload: { action: string; details?: unknown }) => {
  try {
    checkAuditPayload(payload);
  } catch (err) {
    if (err instanceof AuditCatalogueError) return { action: err.action, field: err.field, code: err.code };
    throw err;
  }
  return null;
};

/** Records what reaches the table, so a test can see that a refused row never does. */
function recordingWriter() {
  const rows: unknown[] = [];
  const writer: TAuditWriter = {
    auditEvent: {
      create: async ({ data }) => void rows.push(data),
      createMany: async ({ data }) => (rows.push(...data), { count: data.length }),
    },
  };
  return { rows, writer };
}

describe('the audit catalogue', () => {
  it('has one details schema per action, and the enum is exactly those actions', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect([...ZAuditAction.options].sort()).toEqual(Object.keys(AUDIT_DETAILS).sort());
    for (const action of AUDIT_ACTIONS) expect(AUDIT_DETAILS[action], action).toBeDefined();
  });

  it('lists TASK_<event> for every approval event, REVIEW_<event> for every review event, PAYMENT_<state> for every payment state', () => {
    const approvalTypes = ZApprovalEvent.options.map((o) => o.shape.type.value);
    const reviewTypes = ZReviewEvent.options.map((o) => o.shape.type.value);
    expect(approvalTypes.length).toBeGreaterThan(10);
    for (const t of approvalTypes) expect(AUDIT_ACTIONS).toContain(`TASK_${t}`);
    for (const t of reviewTypes) expect(AUDIT_ACTIONS).toContain(`REVIEW_${t}`);
    for (const s of PAYMENT_STATES) expect(AUDIT_ACTIONS).toContain(`PAYMENT_${s}`);
  });

  it('accepts details as the writers write them, optional fields given or not', () => {
    expect(refusal({ action: 'PAYMENT_PAID', details: { paymentId: 'p1', amountFen: 120_00, voucherNo: 'PV-p1' } })).toBeNull();
    expect(refusal({ action: 'FUNDS_ALLOCATED', details: { fiscalYear: 2026, amountFen: 5 } })).toBeNull();
    expect(refusal({ action: 'FUNDS_ALLOCATED', details: { fiscalYear: 2026, amountFen: 5, payeeAccounts: ['6222'] } })).toBeNull();
    expect(refusal({ action: 'DEFECT_REPORTED' })).toBeNull();
    expect(refusal({ action: 'DEFECT_REPORTED', details: { defectId: 'd1' } })).toBeNull();
    expect(refusal({ action: 'TOKEN_REVOKED' })).toBeNull();
    // An approval action carries its own fields through (validated by the Update before).
    expect(
      refusal({ action: 'TASK_RETURN', details: { stepId: 's', type: 'RETURN', reason: 'x', target: { kind: 'PROPOSER' }, phaseAfter: 'returned' } }),
    ).toBeNull();
  });

  it('refuses a wrong details shape, naming the action and the field', () => {
    expect(refusal({ action: 'PAYMENT_PAID', details: { paymentId: 'p1', amountFen: '120.00', voucherNo: 'PV-p1' } })).toEqual({
      action: 'PAYMENT_PAID',
      field: 'details.amountFen',
      code: 'AUDIT_DETAILS_INVALID',
    });
    expect(refusal({ action: 'PAYMENT_PAID', details: { paymentId: 'p1', voucherNo: 'PV-p1' } })).toMatchObject({ field: 'details.amountFen' });
    expect(refusal({ action: 'TASK_DONE', details: { taskId: 't', outcome: 'DONE', extra: 1 } })).toMatchObject({
      action: 'TASK_DONE',
      field: 'details.extra',
    });
    expect(refusal({ action: 'ROLE_ASSIGNED' })).toMatchObject({ action: 'ROLE_ASSIGNED', field: 'details' });
    expect(refusal({ action: 'TOKEN_REVOKED', details: { id: 'x' } })).toMatchObject({ action: 'TOKEN_REVOKED', field: 'details' });
    expect(refusal({ action: 'LOGIN_FAILED', details: { ip: '::1', username: 'a', reason: 'TYPO' } })).toMatchObject({ field: 'details.reason' });
    expect(refusal({ action: 'TASK_APPROVE', details: { type: 'APPROVE' } })).toMatchObject({ action: 'TASK_APPROVE', field: 'details.stepId' });
  });

  it('refuses an action outside the catalogue', () => {
    expect(refusal({ action: 'TASK_SHRUG', details: { stepId: 's' } })).toEqual({ action: 'TASK_SHRUG', field: 'action', code: 'AUDIT_DETAILS_INVALID' });
    expect(refusal({ action: 'toString' })).toMatchObject({ field: 'action' });
  });

  it('the write path inserts a valid row as given, and nothing for a refused one', async () => {
    const { rows, writer } = recordingWriter();
    const entry = { eventKey: 'k1', action: 'REPORT_VERIFIED', entityType: 'Project', entityId: 'p1', details: { reportId: 'r1' } } as const;
    await expect(writeAuditEvent(writer, entry)).resolves.toEqual({ written: true });
    expect(rows).toEqual([{ ...entry, role: undefined }]);
    const wrong = { ...entry, eventKey: 'k2', details: { reportId: 7 } } as unknown as typeof entry;
    await expect(writeAuditEvent(writer, wrong)).rejects.toThrow(AuditCatalogueError);
    await expect(writeAuditEvent(writer, wrong, { ifNew: false })).rejects.toMatchObject({ action: 'REPORT_VERIFIED', field: 'details.reportId' });
    expect(rows).toHaveLength(1);
  });

  it('docs/architecture.md "Audit vocabulary" names exactly the catalogue actions', async () => {
    const doc = await readFile(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## Audit vocabulary');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    const named = new Set([...section.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
