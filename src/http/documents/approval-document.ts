import { escapeHtml as e, formatDateZh } from '../../domain/fault-tolerance';
import { STAGE_LABELS_ZH } from '../../domain/lifecycle/stage-tasks';
import type { TLifecycleStage } from '../../domain/lifecycle/lifecycle-machine';
import { PRINT_STYLE, proposalFactRows, type TPlaceNames, type TProposalFacts } from './project-facts';
import { PUBLICITY_TITLES } from './publicity-notice';

/** One signature on the way to the 批复: the person by name and post, never by id. */
export interface TApprovalSignature {
  stage: string;
  name: string;
  title: string;
  comment: string | null;
  at: number;
}

/** What the 立项批复 states, looked up by the caller. */
export interface TApprovalDocumentFacts {
  number: string;
  proposal: TProposalFacts;
  place: TPlaceNames;
  /** The instant of the county approval that put the project in the pool: the document's date. */
  approvedAt: number;
  signatures: TApprovalSignature[];
  /** The publicity periods the project passed without objection. */
  publicities: Array<{ kind: string; startsAt: number; endsAt: number }>;
}

/** The conditions every 批复 sets (the funds' rules, domain.md §2), after the approvers' own. */
const STANDING_CONDITIONS = [
  '项目实施主体须严格按照批复的建设内容、规模、地点和资金组织实施，不得擅自变更；确需调整的，须按程序报批。',
  '财政衔接资金按项目实施进度分期拨付，专款专用，严禁挤占挪用。',
  '项目竣工后及时申请验收，验收结果予以公示；形成的资产及时确权登记、移交管护。',
];

/**
 * The county's 立项批复 as a printable Chinese page: its number, the project's facts as approved,
 * the publicity periods it passed, who approved it at each step (names and posts) and on what
 * conditions. Every stored text is escaped; amounts are integer fen printed as yuan.
 */
export function renderApprovalDocument(f: TApprovalDocumentFacts): string {
  const p = f.proposal;
  const issuer = `${f.place.county}巩固拓展脱贫攻坚成果同乡村振兴有效衔接领导小组`;
  const signatures = f.signatures
    .map(
      (s) =>
        `<tr><td>${e(STAGE_LABELS_ZH[s.stage as TLifecycleStage] ?? '审核')}</td><td>${e(s.name)}</td><td>${e(s.title)}</td><td>${e(s.comment ?? '同意')}</td><td>${formatDateZh(s.at)}</td></tr>`,
    )
    .join('\n');
  const publicities = f.publicities
    .map((x) => `<li>${e(PUBLICITY_TITLES[x.kind] ?? '公示')}：${formatDateZh(x.startsAt)}至${formatDateZh(x.endsAt - 1)}，期满无异议。</li>`)
    .join('');
  const ownConditions = f.signatures.filter((s) => s.stage === 'COUNTY_APPROVAL' && s.comment).map((s) => `审定意见：${e(s.comment!)}`);
  const conditions = [...ownConditions, ...STANDING_CONDITIONS].map((c) => `<li>${c}</li>`).join('');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${e(f.number)} 关于${e(p.name)}立项的批复</title><style>${PRINT_STYLE}</style></head>
<body>
<p class="ref">${e(f.number)}</p>
<h1>关于${e(p.name)}立项的批复</h1>
<p>${e(f.place.township)}人民政府、${e(f.place.village)}村民委员会：</p>
<p>你们申报的${e(p.name)}，经公示、乡镇审核、县级联合论证和县领导小组审定，同意立项，纳入${e(f.place.county)}巩固拓展脱贫攻坚成果和乡村振兴项目库。现批复如下：</p>
<h2>一、项目基本情况</h2>
<table>
<tbody>
${proposalFactRows(p, f.place)}
</tbody>
</table>
<h2>二、公示情况</h2>
<ul>${publicities || '<li>无公示记录。</li>'}</ul>
<h2>三、审批经过</h2>
<table class="signatures">
<thead><tr><th>环节</th><th>审批人</th><th>职务</th><th>意见</th><th>日期</th></tr></thead>
<tbody>
${signatures}
</tbody>
</table>
<h2>四、批复意见及要求</h2>
<ol>${conditions}</ol>
<p class="sign">${e(issuer)}<br>${formatDateZh(f.approvedAt)}</p>
</body>
</html>
`;
}
