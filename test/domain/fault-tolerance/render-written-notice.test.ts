import { describe, expect, it } from 'vitest';
import { CLERK, DAY, DECIDED_AT, T0, decide, makeInput, steps, toAppealWindow, toDecision, votes } from './fixtures';
import { escapeHtml, formatYuan, renderWrittenNotice, start } from './notice-imports';

describe('written notice 书面反馈', () => {
  const hostile = makeInput();
  hostile.case.matter = '<script>alert("x")</script>茶厂 & 冷库';
  hostile.case.concernedOfficials = [
    { userId: 'u-official-li', name: '李<b>明</b>' },
    { userId: 'u-official-wang', name: '王芳' },
  ];

  const decided = () => {
    let s = toDecision({ DILIGENCE_AND_LOSS_RECOVERY: 'NOT_MET' }, hostile);
    s = steps(s, votes({ m1: 'LENIENT', m2: 'LENIENT', m3: 'NOT_EXEMPT' }));
    return toAppealWindow(
      s,
      decide({
        impactPeriodEndsAt: DECIDED_AT + 365 * DAY,
        correctiveMeasures: [{ id: 'cm-1', description: '建立<价格>风险预警', dueAt: DECIDED_AT + 30 * DAY, responsibleUserId: 'u-official-li' }],
      }),
    );
  };

  it('is a printable Chinese HTML page with the findings, the vote, the outcome, measures and appeal rights', () => {
    const html = renderWrittenNotice(decided().context);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('容错纠错认定结果书面反馈');
    expect(html).toContain('认定结果：从轻/减轻');
    expect(html).toContain('影响期至');
    expect(html).toContain('勤勉尽责并积极挽回损失');
    expect(html).toContain('不符合');
    expect(html).toContain('应到3人，实到3人（法定人数2人）');
    expect(html).toContain('从轻/减轻2票');
    expect(html).toContain('123,456.78元');
    expect(html).toContain('15日内向上一级申请复核');
    expect(html).toContain('@media print');
  });

  it('names people and projects as the caller looked them up, and prints no id even when a name is missing', () => {
    const context = decided().context;
    const investigators = Object.values(context.rounds[0]!.findings).map((f) => f!.investigatorId);
    const named = renderWrittenNotice(context, {
      people: Object.fromEntries(investigators.map((id) => [id, '赵调查（县纪委）'])),
      projects: Object.fromEntries(context.case.projectIds.map((id) => [id, '桃源村茶园'])),
    });
    expect(named).toContain('赵调查（县纪委）');
    expect(named).toContain('涉及项目：桃源村茶园');
    expect(named).toContain('责任人：（人员未登记）');
    const bare = renderWrittenNotice(context);
    for (const id of [...investigators, 'u-official-li', ...context.case.projectIds]) {
      expect(named).not.toContain(id);
      expect(bare).not.toContain(id);
    }
  });

  it('escapes every piece of user text', () => {
    const html = renderWrittenNotice(decided().context);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>明</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;茶厂 &amp; 冷库');
    expect(html).toContain('建立&lt;价格&gt;风险预警');
    expect(escapeHtml(`'"<>&`)).toBe('&#39;&quot;&lt;&gt;&amp;');
  });

  it('refuses to render before a decision exists', () => {
    expect(() => renderWrittenNotice(start().context)).toThrow(/no|none/);
    expect(() => renderWrittenNotice(steps(start(), [{ type: 'OPEN_BY_BODY', actorId: CLERK, at: T0 }]).context)).toThrow();
  });

  it('formats fen as yuan without floating point', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(100_000_000_01)).toBe('100,000,000.01');
  });
});
