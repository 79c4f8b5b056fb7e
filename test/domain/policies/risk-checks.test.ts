import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { runRiskChecks, verifiedProgressCeilingFen, type TRiskCheckInput } from '../../../src/domain/policies/risk-checks';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);

/** A clean request: START tranche of a 1,000,000 fen project, nothing paid yet. */
function input(
  overrides: {
    payment?: Partial<TRiskCheckInput['payment']>;
    implementer?: Partial<TRiskCheckInput['implementer']>;
    project?: Partial<TRiskCheckInput['project']>;
    existingInvoices?: TRiskCheckInput['existingInvoices'];
  } = {},
): TRiskCheckInput {
  return {
    payment: {
      paymentId: 'pay-1',
      projectId: 'proj-1',
      amountFen: 400_000,
      payeeId: 'coop-1',
      invoices: [{ number: '25440000000012345678', sha256: HASH_A }],
      ...overrides.payment,
    },
    implementer: { implementerId: 'coop-1', ...overrides.implementer },
    project: {
      approvedBudgetFen: 1_000_000,
      verifiedProgressPercent: 0,
      acceptancePassed: false,
      paidToDateFen: 0,
      ...overrides.project,
    },
    schedule: DEFAULT_COUNTY_SETTINGS.disbursement,
    overspendToleranceBp: DEFAULT_COUNTY_SETTINGS.budget.overspendToleranceBp,
    existingInvoices: overrides.existingInvoices ?? [],
  };
}

const codesOf = (flags: ReturnType<typeof runRiskChecks>) => flags.map((flag) => flag.code);

describe('runRiskChecks', () => {
  it('a clean start-tranche request raises nothing', () => {
    expect(runRiskChecks(input())).toEqual([]);
  });

  describe('DUPLICATE_INVOICE', () => {
    it('same number and hash in another project’s payment', () => {
      const flags = runRiskChecks(
        input({
          existingInvoices: [{ paymentId: 'pay-9', projectId: 'proj-7', number: '25440000000012345678', sha256: HASH_A }],
        }),
      );
      expect(flags).toEqual([
        {
          code: 'DUPLICATE_INVOICE',
          message: expect.any(String),
          details: {
            invoiceNumber: '25440000000012345678',
            sha256: HASH_A,
            matches: [{ paymentId: 'pay-9', projectId: 'proj-7', matchedOn: 'NUMBER_AND_HASH' }],
            repeatedWithinRequest: false,
          },
        },
      ]);
    });

    it('number alone (re-scan, spacing differs) and hash alone (number retyped) are flagged too', () => {
      const flags = runRiskChecks(
        input({
          existingInvoices: [
            { paymentId: 'pay-2', projectId: 'proj-1', number: '2544 0000 0000 1234 5678', sha256: HASH_B },
            { paymentId: 'pay-3', projectId: 'proj-2', number: '999', sha256: HASH_A.toUpperCase() },
          ],
        }),
      );
      expect(flags).toHaveLength(1);
      expect(flags[0].details.matches).toEqual([
        { paymentId: 'pay-2', projectId: 'proj-1', matchedOn: 'NUMBER' },
        { paymentId: 'pay-3', projectId: 'proj-2', matchedOn: 'HASH' },
      ]);
    });

    it('the request’s own stored invoices are not duplicates (re-running the checks is idempotent)', () => {
      const flags = runRiskChecks(input({ existingInvoices: [{ paymentId: 'pay-1', projectId: 'proj-1', number: '25440000000012345678', sha256: HASH_A }] }));
      expect(flags).toEqual([]);
    });

    it('the same invoice twice within one request', () => {
      const flags = runRiskChecks(
        input({
          payment: {
            invoices: [
              { number: 'INV-1', sha256: HASH_B },
              { number: 'INV-2', sha256: HASH_C },
              { number: 'INV-1', sha256: HASH_B },
            ],
          },
        }),
      );
      expect(codesOf(flags)).toEqual(['DUPLICATE_INVOICE']);
      expect(flags[0].details).toMatchObject({ invoiceNumber: 'INV-1', repeatedWithinRequest: true, matches: [] });
    });

    it('different invoices pass', () => {
      const flags = runRiskChecks(input({ existingInvoices: [{ paymentId: 'pay-2', projectId: 'proj-1', number: 'OTHER', sha256: HASH_B }] }));
      expect(flags).toEqual([]);
    });
  });

  describe('PAYEE_NOT_IMPLEMENTER', () => {
    it('a different payee', () => {
      const flags = runRiskChecks(input({ payment: { payeeId: 'brother-in-law-ltd' } }));
      expect(flags).toEqual([
        {
          code: 'PAYEE_NOT_IMPLEMENTER',
          message: expect.any(String),
          details: expect.objectContaining({ payeeId: 'brother-in-law-ltd', implementerId: 'coop-1', reason: 'PAYEE_ID' }),
        },
      ]);
    });

    it('the implementer, but to an account it did not register', () => {
      const base = { implementer: { registeredAccounts: ['6222 0001'] } };
      expect(runRiskChecks(input({ ...base, payment: { payeeAccount: '6222 0001' } }))).toEqual([]);
      const flags = runRiskChecks(input({ ...base, payment: { payeeAccount: '6222 9999' } }));
      expect(codesOf(flags)).toEqual(['PAYEE_NOT_IMPLEMENTER']);
      expect(flags[0].details.reason).toBe('ACCOUNT');
      expect(codesOf(runRiskChecks(input(base)))).toEqual(['PAYEE_NOT_IMPLEMENTER']);
    });
  });

  describe('EXCEEDS_VERIFIED_PROGRESS', () => {
    it('ceiling follows the schedule: 40% at 0–79%, 90% at 80%, progress share beyond, all after acceptance', () => {
      const ceiling = (verifiedProgressPercent: number, acceptancePassed = false) =>
        verifiedProgressCeilingFen({
          project: { approvedBudgetFen: 1_000_000, verifiedProgressPercent, acceptancePassed, paidToDateFen: 0 },
          schedule: DEFAULT_COUNTY_SETTINGS.disbursement,
        });
      expect(ceiling(0)).toBe(400_000);
      expect(ceiling(50)).toBe(500_000);
      expect(ceiling(79)).toBe(790_000);
      expect(ceiling(80)).toBe(900_000);
      expect(ceiling(95)).toBe(950_000);
      expect(ceiling(100)).toBe(1_000_000);
      expect(ceiling(90, true)).toBe(1_000_000);
    });

    it('one fen beyond the ceiling is flagged, the ceiling itself is not', () => {
      expect(runRiskChecks(input({ payment: { amountFen: 400_000 } }))).toEqual([]);
      const flags = runRiskChecks(input({ payment: { amountFen: 400_001 } }));
      expect(flags).toEqual([
        {
          code: 'EXCEEDS_VERIFIED_PROGRESS',
          message: expect.any(String),
          details: { cumulativeFen: 400_001, ceilingFen: 400_000, excessFen: 1, verifiedProgressPercent: 0 },
        },
      ]);
    });

    it('counts earlier payments', () => {
      const flags = runRiskChecks(input({ payment: { amountFen: 500_000 }, project: { verifiedProgressPercent: 70, paidToDateFen: 400_000 } }));
      expect(flags).toMatchObject([{ code: 'EXCEEDS_VERIFIED_PROGRESS', details: { cumulativeFen: 900_000, ceilingFen: 700_000 } }]);
    });
  });

  describe('OVERSPEND_NEEDS_NEW_APPROVAL', () => {
    it('reported spend up to budget + 10% passes; one fen more is flagged', () => {
      const at = (reportedTotalSpendFen: number) =>
        runRiskChecks(
          input({
            payment: { amountFen: 50_000 },
            project: { verifiedProgressPercent: 100, acceptancePassed: true, paidToDateFen: 900_000, reportedTotalSpendFen },
          }),
        );
      expect(at(1_100_000)).toEqual([]);
      expect(at(1_100_001)).toEqual([
        {
          code: 'OVERSPEND_NEEDS_NEW_APPROVAL',
          message: expect.any(String),
          details: {
            spendFen: 1_100_001,
            approvedBudgetFen: 1_000_000,
            toleranceBp: 1000,
            limitFen: 1_100_000,
            overLimitFen: 1,
          },
        },
      ]);
    });

    it('payments themselves beyond the tolerance raise both flags', () => {
      const flags = runRiskChecks(
        input({
          payment: { amountFen: 300_000 },
          project: { verifiedProgressPercent: 100, acceptancePassed: true, paidToDateFen: 900_000 },
        }),
      );
      expect(codesOf(flags)).toEqual(['EXCEEDS_VERIFIED_PROGRESS', 'OVERSPEND_NEEDS_NEW_APPROVAL']);
    });

    it('tolerance on an odd budget is floored', () => {
      // 10% of 1,000,005 = 100,000.5 → tolerance 100,000, limit 1,100,005.
      const flags = runRiskChecks(
        input({
          payment: { amountFen: 1 },
          project: { approvedBudgetFen: 1_000_005, verifiedProgressPercent: 100, acceptancePassed: true, paidToDateFen: 0, reportedTotalSpendFen: 1_100_006 },
        }),
      );
      expect(flags).toMatchObject([{ code: 'OVERSPEND_NEEDS_NEW_APPROVAL', details: { limitFen: 1_100_005, overLimitFen: 1 } }]);
    });
  });

  it('every flag at once, in a fixed order', () => {
    const flags = runRiskChecks(
      input({
        payment: { payeeId: 'someone-else', amountFen: 1_200_000 },
        existingInvoices: [{ paymentId: 'pay-0', projectId: 'proj-0', number: '25440000000012345678', sha256: HASH_A }],
      }),
    );
    expect(codesOf(flags)).toEqual(['DUPLICATE_INVOICE', 'PAYEE_NOT_IMPLEMENTER', 'EXCEEDS_VERIFIED_PROGRESS', 'OVERSPEND_NEEDS_NEW_APPROVAL']);
  });

  it('refuses malformed input with paths', () => {
    try {
      runRiskChecks(input({ payment: { amountFen: 0, invoices: [{ number: 'X', sha256: 'not-a-hash' }] } }));
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details.map((d) => d.path).sort()).toEqual(['payment.amountFen', 'payment.invoices.0.sha256']);
    }
  });
});
