import * as z from '../shape';
import type { TCommandRefusal } from '../lifecycle/project-commands';

/**
 * The implementer's registered payee accounts (收款账户), recorded by the finance bureau when it
 * allocates funds (资金下达). Risk screening flags a payment to any other account
 * (PAYEE_NOT_IMPLEMENTER, reason ACCOUNT: policies/risk-checks.ts).
 *
 * Optional at funding: allocation requests written before the rule (clients, recorded histories)
 * name none, and a project funded without accounts screens payments as before. Named once, the
 * list binds every payment of the project: a request naming no account (and the retention the
 * workflow releases itself) is paid to the first, and one naming another account is flagged.
 */
export const MAX_PAYEE_ACCOUNTS = 10;

/** Bank account numbers are written with spaces or hyphens in groups; the digits are the account. */
export const normalisePayeeAccount = (account: string) => account.replace(/[\s-]/g, '').toUpperCase();

export const ZPayeeAccount = z.string().trim().min(1).max(64);
export const ZPayeeAccounts = z.array(ZPayeeAccount).min(1).max(MAX_PAYEE_ACCOUNTS);

/** Why a list of accounts cannot be registered (field under `body.payeeAccounts`), or null. */
export function payeeAccountsRefusal(accounts: unknown): TCommandRefusal | null {
  if (accounts === undefined) return null;
  const parsed = ZPayeeAccounts.safeParse(accounts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { code: 'VALIDATION_FAILED', message: issue.message, field: ['body', 'payeeAccounts', ...issue.path].join('.') };
  }
  const seen = new Set<string>();
  for (const [i, account] of parsed.data.entries()) {
    const key = normalisePayeeAccount(account);
    if (key.length === 0) return { code: 'VALIDATION_FAILED', message: 'an account number has digits', field: `body.payeeAccounts.${i}` };
    if (seen.has(key)) return { code: 'VALIDATION_FAILED', message: `account ${account} is listed twice`, field: `body.payeeAccounts.${i}` };
    seen.add(key);
  }
  return null;
}

/** The accounts as the workflow keeps them: trimmed, in the order given. Call after the refusal check. */
export const registeredPayeeAccounts = (accounts: readonly string[]) => accounts.map((a) => a.trim());
