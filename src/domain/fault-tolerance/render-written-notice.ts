import { AppError } from '../errors';
import { CRITERION_LABELS_ZH, FINDING_VALUE_LABELS_ZH } from './criteria';
import { formatDateZh } from './deadlines';
import { OUTCOME_LABELS_ZH, TRIGGER_LABELS_ZH } from './labels-zh';
import { CRITERIA, type TReviewContext } from './schemas';
import { voteStatus } from './voting';

/**
 * The written notice (书面反馈) to the officials concerned, as a self-contained printable HTML page
 * in Chinese. Pure: the workflow renders it from the snapshot and an activity stores or sends it.
 * Every piece of user-supplied text is escaped; evidence links are shown as text, never as live
 * links, so a `javascript:` URL in the record cannot become clickable in an official document.
 */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Integer fen to `1,234.56`, without floating point. */
export function formatYuan(fen: number): string {
  const yuan = Math.floor(fen / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${yuan}.${String(fen % 100).padStart(2, '0')}`;
}

const STYLE = `
  body { font-family: "SimSun", "Songti SC", serif; max-width: 48em; margin: 2em auto; line-height: 1.8; }
  h1 { text-align: center; font-size: 1.6em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #000; padding: 0.3em 0.5em; vertical-align: top; }
  .ref, .sign { text-align: right; }
  @media print { body { margin: 0; } }
`;

/**
 * Who and what the notice names, looked up by the caller (the record holds ids): people by their
 * name and post, projects by name. An id never reaches the printed page; one nobody could name is
 * printed as 未登记 (unregistered), which a reader can question.
 */
export interface TNoticeNames {
  people?: Readonly<Record<string, string>>;
  projects?: Readonly<Record<string, string>>;
}

export function renderWrittenNotice(context: TReviewContext, named: TNoticeNames = {}): string {
  const person = (id: string) => named.people?.[id] ?? '（人员未登记）';
  const project = (id: string) => named.projects?.[id] ?? '（项目未登记）';
  const roundIndex = context.rounds.length - 1;
  const round = context.rounds[roundIndex];
  const decision = round.decision;
  if (decision === undefined) {
    throw new AppError('TRANSITION_NOT_ALLOWED', 'the written notice follows the decision; there is none yet');
  }
  const e = escapeHtml;
  const c = context.case;
  const isAppeal = roundIndex > 0;
  const status = voteStatus({ round, settings: context.settings });
  const names = c.concernedOfficials.map((o) => e(o.post ? `${o.name}（${o.post}）` : o.name)).join('、');

  const findingRows = CRITERIA.map((criterion) => {
    const finding = round.findings[criterion];
    return (
      `<tr><td>${e(CRITERION_LABELS_ZH[criterion])}</td><td>${finding ? e(FINDING_VALUE_LABELS_ZH[finding.value]) : '—'}</td>` +
      `<td>${finding ? finding.evidence.map((link) => `<div>${e(link)}</div>`).join('') + (finding.note ? `<div>${e(finding.note)}</div>` : '') : ''}</td>` +
      `<td>${finding ? e(person(finding.investigatorId)) : ''}</td></tr>`
    );
  }).join('\n');

  const outcomeText =
    decision.outcome === 'EXEMPT'
      ? '予以免责。对相关同志不作负面评价，不影响其考核、选拔任用和评先评优。'
      : decision.outcome === 'LENIENT'
        ? `从轻/减轻处理，影响期至${formatDateZh(decision.impactPeriodEndsAt as number)}止。`
        : '不予免责，依规依纪依法处理。';

  const measures =
    decision.correctiveMeasures.length === 0
      ? '<p>无。</p>'
      : `<ol>${decision.correctiveMeasures
          .map(
            (m) =>
              `<li>${e(m.description)}${m.responsibleUserId ? `（责任人：${e(person(m.responsibleUserId))}）` : ''}，完成期限：${formatDateZh(m.dueAt)}</li>`,
          )
          .join('')}</ol>`;

  const appealText = isAppeal
    ? '<p>本复核决定为最终决定。</p>'
    : `<p>如对认定结果有异议，可自公示报备之日起${context.settings.appealWindowDays}日内向上一级申请复核（申诉），申诉以一次为限；逾期未申诉的，本认定即为最终结果。</p>`;

  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>容错纠错认定结果书面反馈</title><style>${STYLE}</style></head>
<body>
<h1>容错纠错${isAppeal ? '复核' : ''}认定结果书面反馈</h1>
<p class="ref">案件编号：${e(c.caseId)}</p>
<p>${names}：</p>
<p>关于${e(c.matter)}一事（涉及项目：${c.projectIds.map((id) => e(project(id))).join('、')}；启动情形：${e(TRIGGER_LABELS_ZH[c.triggerType])}；损失金额：${formatYuan(c.lossFen)}元），经${e(round.body.name)}调查核实、集体研究认定，现将结果书面反馈如下。</p>
<h2>一、调查核实情况</h2>
<table>
<thead><tr><th>认定要件</th><th>核实结论</th><th>依据</th><th>调查人</th></tr></thead>
<tbody>
${findingRows}
</tbody>
</table>
<h2>二、集体研究情况</h2>
<p>应到${status.membersCount}人，实到${status.present}人（法定人数${status.quorumRequired}人）。表决结果：免责${decision.tally.EXEMPT}票，从轻/减轻${decision.tally.LENIENT}票，不予免责${decision.tally.NOT_EXEMPT}票。</p>
<h2>三、认定结果：${OUTCOME_LABELS_ZH[decision.outcome]}</h2>
<p>${outcomeText}</p>
<h2>四、纠错措施</h2>
${measures}
<h2>五、申诉权利</h2>
${appealText}
<p class="sign">${e(round.body.name)}<br>${formatDateZh(decision.at)}</p>
</body>
</html>
`;
}
