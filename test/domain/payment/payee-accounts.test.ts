import { describe, expect, it } from 'vitest';
import { payeeAccountsRefusal } from '../../../src/domain/payment/payee-accounts';
import { checkPayee, ZRiskCheckInput } from '../../../src/domain/policies/risk-checks';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';

const facts = (payeeAccount: string | undefined, registeredAccounts: string[]) =>
  ZRiskCheckInput.parse({
    payment: { paymentId: 'P:pay:1', projectId: 'P', amountFen: 1, payeeId: 'IMP', ...(payeeAccount ? { payeeAccount } : {}) },
    implementer: { implementerId: 'IMP', registeredAccounts },
    project: { approvedBudgetFen: 100, verifiedProgressPercent: 0, acceptancePassed: false, paidToDateFen: 0 },
    schedule: DEFAULT_COUNTY_SETTINGS.disbursement,
    overspendToleranceBp: 1000,
  });

describe('registered payee accounts at funding', () => {
  it('an absent list is allowed (allocation bodies from before the rule)', () => {
    expect(payeeAccountsRefusal(undefined)).toBeNull();
    expect(payeeAccountsRefusal(['6222 0201 0001 1234', '6217-0000-1111'])).toBeNull();
  });
  it.each([
    [[], 'body.payeeAccounts'],
    [['  '], 'body.payeeAccounts.0'],
    [['6222 0201', '62220201'], 'body.payeeAccounts.1'],
    [['--'], 'body.payeeAccounts.0'],
    [Array.from({ length: 11 }, (_, i) => `6222${i}`), 'body.payeeAccounts'],
  ])('refuses %j on %s', (accounts, field) => {
    expect(payeeAccountsRefusal(accounts)).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});

describe('checkPayee against the registered accounts', () => {
  it('flags a payment to an unregistered account, and one naming no account', () => {
    expect(checkPayee(facts('6222 0299', ['6222 0201']))).toMatchObject([{ code: 'PAYEE_NOT_IMPLEMENTER', details: { reason: 'ACCOUNT' } }]);
    expect(checkPayee(facts(undefined, ['6222 0201']))).toMatchObject([{ code: 'PAYEE_NOT_IMPLEMENTER', details: { reason: 'ACCOUNT' } }]);
  });
  it('matches an account written with or without its grouping', () => {
    expect(checkPayee(facts('62220201', ['6222 0201']))).toEqual([]);
    expect(checkPayee(facts('6222-0201', ['62220201']))).toEqual([]);
  });
  it('checks no account when none is registered', () => {
    expect(checkPayee(facts('anything', []))).toEqual([]);
  });
});
