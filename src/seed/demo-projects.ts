/**
 * Demo projects for `npm start`: seven projects of the demo county walked to different stages
 * through the public API, exactly as the people would do it in the browser, so every demo
 * account logs in to work waiting for it (the township its review, the village a project sent back,
 * the county bureaus the joint review and a payment to verify, the leading group an approval,
 * finance a pool project to fund, the implementer progress to report, the expert an acceptance).
 *
 * Idempotent: every call carries a fixed requestId (a repeat is answered from the record), and a
 * step whose task is already done is skipped, so a restart — or a crash half-way — seeds nothing
 * twice and finishes what is missing.
 */

/** One API call as a demo user (`fetch` against the running server, or `app.inject` in tests). */
export type TDemoCall = (method: 'GET' | 'POST', url: string, username: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

type TStep =
  | { approve: { who: string; kind: string } }
  /** 退回 to the applicant with a reason. */
  | { sendBack: { who: string; kind: string; reason: string } }
  | { act: { who: string; command: Record<string, unknown> } }
  /** VERIFY_REPORT of the report the step before filed. */
  | { verify: { who: string } }
  | { fund: { amountFen: number; fiscalYear: number } };

export interface TDemoProject {
  key: string;
  /** The village committee account that proposes it. */
  proposer: string;
  proposal: Record<string, unknown>;
  steps: TStep[];
  /** Where it waits when seeded, for the log and the README. */
  waitsFor: string;
}

const proposal = (
  name: string,
  industry: string,
  orgUnitId: string,
  budgetFen: number,
  implementer: string,
  households: number,
  indicator: string,
  target: string,
) => ({
  name,
  industry,
  orgUnitId,
  budgetFen,
  fundingSources: [
    { source: 'CENTRAL_LINKAGE', amountFen: budgetFen * 0.8 },
    { source: 'OWN_CAPITAL', amountFen: budgetFen * 0.2 },
  ],
  implementer: { name: implementer },
  householdLinkage: { households, mechanism: '务工工资 + 入股分红' },
  performanceTargets: [{ indicator, target }],
  meetingRecord: '2026-11-20 村民代表大会，到会45人，同意42人',
});

const throughCounty: TStep[] = [
  { approve: { who: 'township', kind: 'TOWNSHIP_REVIEW' } },
  { approve: { who: 'agri', kind: 'COUNTY_JOINT_REVIEW' } },
  { approve: { who: 'finance', kind: 'COUNTY_JOINT_REVIEW' } },
  { approve: { who: 'leader', kind: 'COUNTY_APPROVAL' } },
];

const capital: TStep[] = [{ act: { who: 'implementer', command: { type: 'REPORT_CAPITAL', amountFen: 2_000_000, evidence: ['自筹资金到账凭证.pdf'] } } }];

export const DEMO_PROJECTS: TDemoProject[] = [
  {
    key: 'tea-garden',
    proposer: 'village',
    proposal: proposal('桃源村高山茶园提质扩面', '茶叶', 'v-taoyuan', 50_000_000, '桃源茶叶合作社', 86, '新增茶园面积', '300亩'),
    steps: [],
    waitsFor: "the township's review (township)",
  },
  {
    key: 'cattle',
    proposer: 'village2',
    proposal: proposal('茶岭村肉牛养殖合作社扩栏', '畜牧', 'v-chaling', 30_000_000, '茶岭肉牛养殖合作社', 52, '新增存栏肉牛', '200头'),
    steps: [{ approve: { who: 'township2', kind: 'TOWNSHIP_REVIEW' } }],
    waitsFor: 'the county joint review (agri, finance)',
  },
  {
    key: 'bee-keeping',
    proposer: 'village',
    proposal: proposal('桃源村中蜂养殖示范', '养蜂', 'v-taoyuan', 5_000_000, '桃源茶叶合作社', 24, '新增中蜂箱数', '500箱'),
    steps: [{ sendBack: { who: 'township', kind: 'TOWNSHIP_REVIEW', reason: '请补充村民代表大会签到表和带农益农测算' } }],
    waitsFor: 'the village committee to revise and resubmit (village)',
  },
  {
    key: 'mushroom',
    proposer: 'village2',
    proposal: proposal('茶岭村食用菌种植大棚', '食用菌', 'v-chaling', 15_000_000, '茶岭食用菌合作社', 45, '新增种植大棚', '30个'),
    steps: throughCounty
      .filter((step) => !('approve' in step && step.approve.kind === 'COUNTY_APPROVAL'))
      .map((step) => ('approve' in step && step.approve.who === 'township' ? { approve: { who: 'township2', kind: 'TOWNSHIP_REVIEW' } } : step)),
    waitsFor: "the leading group's approval (leader)",
  },
  {
    key: 'tea-workshop',
    proposer: 'village',
    proposal: proposal('桃源村茶叶初加工车间', '农产品加工', 'v-taoyuan', 20_000_000, '桃源茶叶合作社', 40, '年加工干茶', '50吨'),
    steps: throughCounty,
    waitsFor: 'funding from the pool (finance)',
  },
  {
    key: 'forest-chicken',
    proposer: 'village',
    proposal: proposal('桃源村林下生态鸡养殖', '畜牧', 'v-taoyuan', 10_000_000, '桃源茶叶合作社', 35, '年出栏生态鸡', '2万羽'),
    steps: [
      ...throughCounty,
      { fund: { amountFen: 8_000_000, fiscalYear: 2027 } },
      ...capital,
      { verify: { who: 'finance' } },
      { act: { who: 'implementer', command: { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 3_000_000, payeeId: '桃源茶叶合作社', invoices: [] } } },
    ],
    waitsFor: 'a START payment to verify (agri), the implementer reporting progress',
  },
  {
    key: 'kiwi-orchard',
    proposer: 'village',
    proposal: proposal('桃源村猕猴桃标准化果园', '水果', 'v-taoyuan', 10_000_000, '桃源茶叶合作社', 60, '猕猴桃挂果面积', '150亩'),
    steps: [
      ...throughCounty,
      { fund: { amountFen: 8_000_000, fiscalYear: 2027 } },
      ...capital,
      { verify: { who: 'finance' } },
      { act: { who: 'implementer', command: { type: 'REPORT_PROGRESS', percent: 100, evidence: ['完工报告.pdf'] } } },
      { verify: { who: 'agri' } },
      { act: { who: 'village', command: { type: 'REQUEST_ACCEPTANCE' } } },
      // The villagers' representatives vote first: in favour, the joint team's inspection opens.
      {
        act: {
          who: 'village',
          command: { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 40, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 },
        },
      },
    ],
    waitsFor: 'completion acceptance (agri, finance, expert)',
  },
];

type TTask = { id: string; projectId: string; kind: string };

/** A township approval carries the five checks (TOWNSHIP_CHECKS), each passed: the step refuses it otherwise. */
const FIVE_CHECKS_PASSED = Object.fromEntries(['authenticity', 'necessity', 'soundness', 'completeness', 'feasibility'].map((c) => [c, { result: 'PASS' }]));

export async function seedDemoProjects({ call, log = () => {}, timeoutMs = 60_000 }: { call: TDemoCall; log?: (line: string) => void; timeoutMs?: number }) {
  const ok = async (method: 'GET' | 'POST', url: string, who: string, body?: unknown) => {
    const res = await call(method, url, who, body);
    if (res.status >= 300) throw new Error(`demo seed: ${method} ${url} as ${who} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };
  const seeded: Array<{ projectId: string; name: string; stage: string; waitsFor: string }> = [];

  for (const demo of DEMO_PROJECTS) {
    const started = await ok('POST', '/api/projects', demo.proposer, { ...demo.proposal, requestId: `demo-${demo.key}` });
    const projectId = started.projectId as string;
    let filed: unknown = null;
    for (const [i, step] of demo.steps.entries()) {
      const requestId = `demo-${demo.key}-${i}`;
      const act = (who: string, command: Record<string, unknown>) => ok('POST', `/api/projects/${projectId}/actions`, who, { requestId, command });
      if ('fund' in step) await ok('POST', `/api/projects/${projectId}/funding`, 'finance', { ...step.fund, requestId });
      else if ('act' in step) filed = (await act(step.act.who, step.act.command)).recordId;
      else if ('verify' in step) await act(step.verify.who, { type: 'VERIFY_REPORT', reportId: filed });
      else if ('sendBack' in step) await decideWhenOpen(projectId, step.sendBack, { action: 'return', comment: step.sendBack.reason, requestId });
      else
        await decideWhenOpen(projectId, step.approve, {
          action: 'approve',
          comment: '同意（演示数据）',
          ...(step.approve.kind === 'TOWNSHIP_REVIEW' ? { checks: FIVE_CHECKS_PASSED } : {}),
          requestId,
        });
    }
    const detail = await ok('GET', `/api/projects/${projectId}`, 'admin');
    const name = detail.name as string;
    const stage = detail.stage as string;
    seeded.push({ projectId, name, stage, waitsFor: demo.waitsFor });
    log(`demo project ${name} (${projectId}): ${stage}, waiting for ${demo.waitsFor}`);
  }
  return seeded;

  /**
   * Decides the project's task of `kind` in `who`'s inbox once it opens. A decision on the project
   * under this step's requestId means an earlier run took it.
   */
  async function decideWhenOpen(
    projectId: string,
    { who, kind }: { who: string; kind: string },
    decision: { action: string; comment: string; requestId: string },
  ) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const inbox = (await ok('GET', `/api/tasks?kind=${encodeURIComponent(kind)}&pageSize=200`, who)) as { items: TTask[] };
      const open = inbox.items.find((t) => t.projectId === projectId);
      if (open) {
        await ok('POST', `/api/tasks/${encodeURIComponent(open.id)}/decision`, who, decision);
        return;
      }
      const detail = (await ok('GET', `/api/projects/${projectId}`, 'admin')) as { decisions: Array<{ requestId: string }> };
      if (detail.decisions.some((d) => d.requestId === decision.requestId)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`demo seed: no ${kind} task for ${who} on project ${projectId} within ${timeoutMs} ms`);
  }
}
