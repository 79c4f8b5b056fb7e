import { escapeHtml as e, formatYuan } from '../../domain/fault-tolerance';
import type { TProposal } from '../../domain/lifecycle/proposal';
import { CODE_LABELS } from '../../web/app/code-labels';

/** The look of every printed document: an official Chinese page on A4, its tables ruled. */
export const PRINT_STYLE = `
  body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; max-width: 48em; margin: 2em auto; line-height: 1.8; }
  h1 { text-align: center; font-size: 1.6em; }
  h2 { font-size: 1.15em; margin: 1em 0 0.3em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #000; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
  th { width: 9em; white-space: nowrap; }
  .ref { text-align: center; }
  .sign { text-align: right; }
  @page { size: A4; margin: 2cm; }
  @media print { body { margin: 0; } }
`;

/** The project's place by the names of its units (never their ids). */
export interface TPlaceNames {
  county: string;
  township: string;
  village: string;
}

export type TProposalFacts = Pick<TProposal, 'name' | 'industry' | 'budgetFen' | 'fundingSources' | 'implementer' | 'householdLinkage' | 'performanceTargets'>;

/**
 * The project's facts as proposed, as the rows of a ruled table (the 公示 and the 批复 state the
 * same eight): every stored text escaped, amounts integer fen printed as yuan.
 */
export function proposalFactRows(p: TProposalFacts, place: TPlaceNames): string {
  const sources = p.fundingSources.map((s) => `${e(CODE_LABELS.zh.source[s.source] ?? s.source)} ${formatYuan(s.amountFen)}元`).join('；');
  const targets = p.performanceTargets.map((t) => `<div>${e(t.indicator)}：${e(t.target)}</div>`).join('');
  return `<tr><th>项目名称</th><td>${e(p.name)}</td></tr>
<tr><th>实施地点</th><td>${e(place.county)}${e(place.township)}${e(place.village)}</td></tr>
<tr><th>产业类型</th><td>${e(p.industry)}</td></tr>
<tr><th>实施主体</th><td>${e(p.implementer.name)}</td></tr>
<tr><th>总投资</th><td>${formatYuan(p.budgetFen)}元</td></tr>
<tr><th>资金来源</th><td>${sources}</td></tr>
<tr><th>联农带农</th><td>带动${p.householdLinkage.households}户；${e(p.householdLinkage.mechanism)}</td></tr>
<tr><th>绩效目标</th><td>${targets}</td></tr>`;
}
