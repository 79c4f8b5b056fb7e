import { refusal, type TRefusal } from '../errors';
import { ZProposal, type TProposal } from './proposal';
import { REVISABLE_FROM, type TLifecycleStage } from './lifecycle-machine';

/**
 * 退回修改后重新提交 (issue #18): while a project is returned to its village, the proposer may
 * revise the proposal and resubmit it as the next version. The same schema as a new proposal
 * (`ZProposal`), and two rules of its own: the project stays where it is (its village, so its
 * township and county and everyone's scope), and only a proposal not yet approved is revised
 * (after the 批复 the approved figures bind: changes go through 项目变更 instead).
 */

/** Where the refused field is reported: the resubmission's body carries the revised proposal as `proposal`. */
const FIELD = 'body.proposal';

/**
 * Why `revised` cannot replace `current`, or null. `returnedFrom` is the stage the project was
 * returned from (null when it is not returned); `actorId` must be the proposer's.
 */
export function proposalRevisionRefusal(args: {
  current: TProposal;
  revised: unknown;
  returnedFrom: TLifecycleStage | null;
  actorId: string;
  proposerId: string;
}): TRefusal | null {
  const { current, revised, returnedFrom, actorId, proposerId } = args;
  if (actorId !== proposerId) return refusal('NOT_A_CANDIDATE', 'only the proposer revises the proposal', 'actor');
  if (returnedFrom === null || !REVISABLE_FROM.includes(returnedFrom)) {
    return refusal('TRANSITION_NOT_ALLOWED', 'the proposal is revised only while the project is returned before its approval (批复)', 'stage');
  }
  const parsed = ZProposal.safeParse(revised);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refusal('VALIDATION_FAILED', issue.message, [FIELD, ...issue.path.map(String)].join('.'));
  }
  if (parsed.data.orgUnitId !== current.orgUnitId) {
    return refusal('VALIDATION_FAILED', 'a revision keeps the project in its village (another village proposes its own project)', `${FIELD}.orgUnitId`);
  }
  return null;
}

/** The revised proposal as the workflow keeps it (trimmed, defaults applied). Call after the refusal check. */
export const revisedProposal = (revised: unknown): TProposal => ZProposal.parse(revised) as TProposal;

export interface TProposalChange {
  /** Dotted path in the proposal, e.g. `budgetFen`, `fundingSources.0.amountFen`, `householdLinkage.mechanism`. */
  field: string;
  /** The value before and after; absent when the field did not exist on that side (a line added or removed). */
  before?: string | number | boolean;
  after?: string | number | boolean;
  /** Integer fen: shown in yuan. */
  money: boolean;
}

type TLeaf = string | number | boolean;

function leaves(value: unknown, path: string, out: Map<string, TLeaf>) {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, path ? `${path}.${i}` : String(i), out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  else out.set(path, value as TLeaf);
}

/**
 * 本次修改: what changed from one version of a proposal to the next, field by field, in the order
 * of the newer version's fields (then those it dropped). Money fields (ending in `Fen`) are marked
 * so a page shows them in yuan.
 */
export function proposalDiff(before: TProposal, after: TProposal): TProposalChange[] {
  const a = new Map<string, TLeaf>();
  const b = new Map<string, TLeaf>();
  leaves(before, '', a);
  leaves(after, '', b);
  const fields = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  const changes: TProposalChange[] = [];
  for (const field of fields) {
    const was = a.get(field);
    const now = b.get(field);
    if (was === now) continue;
    changes.push({ field, ...(was !== undefined ? { before: was } : {}), ...(now !== undefined ? { after: now } : {}), money: /Fen$/.test(field) });
  }
  return changes;
}
