import { escapeHtml as e, formatDateZh, formatYuan } from '../../domain/fault-tolerance';
import type { TProposal } from '../../domain/lifecycle/proposal';
import { CODE_LABELS } from '../../web/app/code-labels';

/** What a 公示 notice states: the project's facts as proposed, the period, and who answers objections. */
export interface TPublicityNoticeFacts {
  kind: string;
  startsAt: number;
  /** The instant the period is over (a working-day period: midnight after its last day), so the last day is the one before it. */
  endsAt: number;
  proposal: Pick<TProposal, 'name' | 'industry' | 'budgetFen' | 'fundingSources' | 'implementer' | 'householdLinkage' | 'performanceTargets'>;
  place: { county: string; township: string; village: string };
  /** The public board where a villager may object online, if the server knows its own address. */
  boardUrl: string | null;
}

const TITLES: Record<string, string> = { VILLAGE: '村级公示', TOWNSHIP: '乡镇公示', ACCEPTANCE: '验收结果公示' };
/** Who publishes each kind, and so who receives objections in person. */
const PUBLISHER: Record<string, (p: TPublicityNoticeFacts['place']) => string> = {
  VILLAGE: (p) => `${p.village}村民委员会`,
  TOWNSHIP: (p) => `${p.township}人民政府`,
  ACCEPTANCE: (p) => `${p.county}乡村振兴局`,
};

const STYLE = `
  body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; max-width: 48em; margin: 2em auto; line-height: 1.8; }
  h1 { text-align: center; font-size: 1.6em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #000; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
  th { width: 9em; white-space: nowrap; }
  .sign { text-align: right; }
  @page { size: A4; margin: 2cm; }
  @media print { body { margin: 0; } }
`;

/**
 * A publicity notice (公示) as a printable Chinese page, for the notice board of the village or
 * township: the facts a villager needs to judge the project, the period in Asia/Shanghai dates, and
 * how to object. Every stored text is escaped; amounts are integer fen printed as yuan.
 */
export function renderPublicityNotice(f: TPublicityNoticeFacts): string {
  const p = f.proposal;
  const title = TITLES[f.kind] ?? '公示';
  const publisher = (PUBLISHER[f.kind] ?? PUBLISHER.VILLAGE!)(f.place);
  const sources = p.fundingSources.map((s) => `${e(CODE_LABELS.zh.source[s.source] ?? s.source)} ${formatYuan(s.amountFen)}元`).join('；');
  const targets = p.performanceTargets.map((t) => `<div>${e(t.indicator)}：${e(t.target)}</div>`).join('');
  const online = f.boardUrl ? `，或在公示栏网页（${e(f.boardUrl)}）在线提出` : '';
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${e(p.name)}${title}</title><style>${STYLE}</style></head>
<body>
<h1>关于${e(p.name)}的${title}</h1>
<p>根据财政衔接推进乡村振兴补助资金和帮扶产业项目管理的有关规定，现将以下项目予以公示，接受群众监督。</p>
<table>
<tbody>
<tr><th>项目名称</th><td>${e(p.name)}</td></tr>
<tr><th>实施地点</th><td>${e(f.place.county)}${e(f.place.township)}${e(f.place.village)}</td></tr>
<tr><th>产业类型</th><td>${e(p.industry)}</td></tr>
<tr><th>实施主体</th><td>${e(p.implementer.name)}</td></tr>
<tr><th>总投资</th><td>${formatYuan(p.budgetFen)}元</td></tr>
<tr><th>资金来源</th><td>${sources}</td></tr>
<tr><th>联农带农</th><td>带动${p.householdLinkage.households}户；${e(p.householdLinkage.mechanism)}</td></tr>
<tr><th>绩效目标</th><td>${targets}</td></tr>
</tbody>
</table>
<p>公示期：${formatDateZh(f.startsAt)}至${formatDateZh(f.endsAt - 1)}（含当日）。</p>
<p>公示期间，如对上述项目有异议，请以书面或口头形式向${e(publisher)}反映${online}。反映问题须实事求是，署真实姓名和联系方式。</p>
<p class="sign">${e(publisher)}<br>${formatDateZh(f.startsAt)}</p>
</body>
</html>
`;
}
