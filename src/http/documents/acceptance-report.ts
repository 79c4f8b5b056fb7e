import { escapeHtml as e, formatDateZh, formatYuan } from '../../domain/fault-tolerance';
import { PRINT_STYLE, type TPlaceNames } from './project-facts';

/** One inspection round (验收轮次) and the villagers' representatives' vote on it. */
export interface TAcceptanceRound {
  round: number;
  result: string;
  decidedAt: number | null;
  vote: {
    representatives?: number;
    votesFor: number;
    votesAgainst: number;
    abstentions: number;
    satisfactionPercent: number;
    quorumMet?: boolean;
    passed?: boolean;
  } | null;
}

/** What the acceptance report states, looked up by the caller: people by name and post. */
export interface TAcceptanceReportFacts {
  projectName: string;
  implementer: string;
  place: TPlaceNames;
  budgetFen: number;
  disbursedFen: number;
  rounds: TAcceptanceRound[];
  /** The joint team's signatures (验收组意见). */
  inspections: Array<{ name: string; title: string; action: string; comment: string | null; at: number }>;
  /** Rectifications after a failed round: the work done. */
  rectifications: Array<{ plan: string | null; status: string; openedAt: number; closedAt: number | null }>;
  /** Defects found in the guarantee period and their repair. */
  defects: Array<{ text: string | null; reportedAt: number; status: string; repair: string | null }>;
}

const RESULT_ZH: Record<string, string> = { PASSED: '通过', FAILED: '未通过', PENDING: '待验收', RETURNED: '退回' };
const ACTION_ZH: Record<string, string> = { approve: '同意通过', return: '退回整改', reject: '不同意' };
const DEFECT_STATUS_ZH: Record<string, string> = { OPEN: '待修复', REPAIRED: '已修复待核验', VERIFIED: '修复已核验' };
const RECTIFICATION_STATUS_ZH: Record<string, string> = { OPEN: '整改中', DONE: '已整改' };

const yesNo = (b: boolean | undefined) => (b === undefined ? '—' : b ? '是' : '否');

/**
 * The 竣工验收报告 as a printable Chinese page: each inspection round with the representatives'
 * vote (for, against, abstaining, whether the quorum was met, satisfaction), the joint team's
 * opinions by name and post, rectifications, defects and their repair, and the conclusion.
 */
export function renderAcceptanceReport(f: TAcceptanceReportFacts): string {
  const last = [...f.rounds].reverse().find((r) => r.result === 'PASSED' || r.result === 'FAILED');
  const conclusion = last?.result === 'PASSED' ? '验收合格' : '验收不合格';
  const rounds = f.rounds
    .map((r) => {
      const v = r.vote;
      const vote = v
        ? `应到代表${v.representatives ?? '—'}人；赞成${v.votesFor}票，反对${v.votesAgainst}票，弃权${v.abstentions}票；达到法定人数：${yesNo(v.quorumMet)}；满意度${v.satisfactionPercent}%`
        : '未表决';
      return `<tr><td>第${r.round}轮</td><td>${vote}</td><td>${RESULT_ZH[r.result] ?? '—'}</td><td>${r.decidedAt === null ? '—' : formatDateZh(r.decidedAt)}</td></tr>`;
    })
    .join('\n');
  const inspections = f.inspections
    .map(
      (i) =>
        `<tr><td>${e(i.name)}</td><td>${e(i.title)}</td><td>${ACTION_ZH[i.action] ?? '—'}</td><td>${e(i.comment ?? '')}</td><td>${formatDateZh(i.at)}</td></tr>`,
    )
    .join('\n');
  const rectifications = f.rectifications.length
    ? `<ol>${f.rectifications
        .map(
          (r) =>
            `<li>${formatDateZh(r.openedAt)}起整改：${e(r.plan ?? '（未填写整改内容）')}（${RECTIFICATION_STATUS_ZH[r.status] ?? '—'}${r.closedAt ? `，${formatDateZh(r.closedAt)}` : ''}）</li>`,
        )
        .join('')}</ol>`
    : '<p>无。</p>';
  const defects = f.defects.length
    ? `<ol>${f.defects.map((d) => `<li>${formatDateZh(d.reportedAt)}报告：${e(d.text ?? '')}（${DEFECT_STATUS_ZH[d.status] ?? '—'}${d.repair ? `；修复：${e(d.repair)}` : ''}）</li>`).join('')}</ol>`
    : '<p>无。</p>';
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${e(f.projectName)}竣工验收报告</title><style>${PRINT_STYLE}</style></head>
<body>
<h1>${e(f.projectName)}竣工验收报告</h1>
<table>
<tbody>
<tr><th>项目名称</th><td>${e(f.projectName)}</td></tr>
<tr><th>实施地点</th><td>${e(f.place.county)}${e(f.place.township)}${e(f.place.village)}</td></tr>
<tr><th>实施主体</th><td>${e(f.implementer)}</td></tr>
<tr><th>总投资</th><td>${formatYuan(f.budgetFen)}元</td></tr>
<tr><th>已拨付资金</th><td>${formatYuan(f.disbursedFen)}元</td></tr>
</tbody>
</table>
<h2>一、验收经过及村民代表表决</h2>
<table>
<thead><tr><th>轮次</th><th>村民代表表决</th><th>结论</th><th>日期</th></tr></thead>
<tbody>
${rounds}
</tbody>
</table>
<h2>二、验收组意见</h2>
<table>
<thead><tr><th>验收人</th><th>职务</th><th>意见</th><th>说明</th><th>日期</th></tr></thead>
<tbody>
${inspections || '<tr><td colspan="5">无。</td></tr>'}
</tbody>
</table>
<h2>三、整改情况</h2>
${rectifications}
<h2>四、缺陷及修复</h2>
${defects}
<h2>五、验收结论</h2>
<p>${conclusion}${last?.decidedAt ? `（${formatDateZh(last.decidedAt)}）` : ''}。</p>
<p class="sign">${e(f.place.county)}农业农村局<br>${last?.decidedAt ? formatDateZh(last.decidedAt) : ''}</p>
</body>
</html>
`;
}
