import { escapeHtml as e, formatDateZh } from '../../domain/fault-tolerance';
import { PRINT_STYLE, proposalFactRows, type TPlaceNames, type TProposalFacts } from './project-facts';

/** What a 公示 notice states: the project's facts as proposed, the period, and who answers objections. */
export interface TPublicityNoticeFacts {
  kind: string;
  startsAt: number;
  /** The instant the period is over (a working-day period: midnight after its last day), so the last day is the one before it. */
  endsAt: number;
  proposal: TProposalFacts;
  place: TPlaceNames;
  /** The public board where a villager may object online, if the server knows its own address. */
  boardUrl: string | null;
}

export const PUBLICITY_TITLES: Record<string, string> = { VILLAGE: '村级公示', TOWNSHIP: '乡镇公示', ACCEPTANCE: '验收结果公示' };
/** Who publishes each kind, and so who receives objections in person. */
const PUBLISHER: Record<string, (p: TPublicityNoticeFacts['place']) => string> = {
  VILLAGE: (p) => `${p.village}村民委员会`,
  TOWNSHIP: (p) => `${p.township}人民政府`,
  ACCEPTANCE: (p) => `${p.county}乡村振兴局`,
};

/**
 * A publicity notice (公示) as a printable Chinese page, for the notice board of the village or
 * township: the facts a villager needs to judge the project, the period in Asia/Shanghai dates, and
 * how to object. Every stored text is escaped; amounts are integer fen printed as yuan.
 */
export function renderPublicityNotice(f: TPublicityNoticeFacts): string {
  const p = f.proposal;
  const title = PUBLICITY_TITLES[f.kind] ?? '公示';
  const publisher = (PUBLISHER[f.kind] ?? PUBLISHER.VILLAGE!)(f.place);
  const online = f.boardUrl ? `，或在公示栏网页（${e(f.boardUrl)}）在线提出` : '';
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${e(p.name)}${title}</title><style>${PRINT_STYLE}</style></head>
<body>
<h1>关于${e(p.name)}的${title}</h1>
<p>根据财政衔接推进乡村振兴补助资金和帮扶产业项目管理的有关规定，现将以下项目予以公示，接受群众监督。</p>
<table>
<tbody>
${proposalFactRows(p, f.place)}
</tbody>
</table>
<p>公示期：${formatDateZh(f.startsAt)}至${formatDateZh(f.endsAt - 1)}（含当日）。</p>
<p>公示期间，如对上述项目有异议，请以书面或口头形式向${e(publisher)}反映${online}。反映问题须实事求是，署真实姓名和联系方式。</p>
<p class="sign">${e(publisher)}<br>${formatDateZh(f.startsAt)}</p>
</body>
</html>
`;
}
