import { describe, expect, it } from 'vitest';
import { DEMO_PROJECTS, seedDemoProjects } from '../../src/seed/demo-projects';
import { demoStack } from '../support/demo-call';

/**
 * `npm start`'s demo projects, seeded through the API on a real worker: each demo account finds
 * its work in its inbox, and seeding again (a restart) adds nothing.
 */
const demo = demoStack();

const inboxKinds = async (username: string) => {
  const res = await demo.call('GET', '/api/tasks?pageSize=200', username);
  return (res.body as { items: Array<{ kind: string; project: { name: string } }> }).items.map((t) => `${t.kind} ${t.project.name}`).sort();
};

describe('demo projects', () => {
  it('walks seven projects to seven stages, leaving each role its work', async () => {
    const seeded = await seedDemoProjects({ call: demo.call });
    // The cattle project's township publicity (0 days here) ends on its own timer, after the seed.
    const stages = () => Promise.all(seeded.map(async (p) => (await demo.s.prisma.project.findUniqueOrThrow({ where: { id: p.projectId } })).stage));
    await expect
      .poll(stages, { timeout: 30_000 })
      .toEqual(['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'RETURNED', 'COUNTY_APPROVAL', 'IN_POOL', 'IMPLEMENTATION', 'ACCEPTANCE']);
    // Tasks of a step open as the step starts, just after the answer that started it.
    await expect.poll(() => inboxKinds('agri'), { timeout: 30_000 }).toHaveLength(3);
    expect(await inboxKinds('township')).toEqual(['TOWNSHIP_REVIEW 桃源村高山茶园提质扩面']);
    expect(await inboxKinds('agri')).toEqual(
      expect.arrayContaining([
        'COUNTY_JOINT_REVIEW 茶岭村肉牛养殖合作社扩栏',
        'PAYMENT_VERIFICATION 桃源村林下生态鸡养殖',
        'COMPLETION_ACCEPTANCE 桃源村猕猴桃标准化果园',
      ]),
    );
    expect(await inboxKinds('finance')).toEqual(
      expect.arrayContaining(['COUNTY_JOINT_REVIEW 茶岭村肉牛养殖合作社扩栏', 'COMPLETION_ACCEPTANCE 桃源村猕猴桃标准化果园']),
    );
    expect(await inboxKinds('expert')).toEqual(['COMPLETION_ACCEPTANCE 桃源村猕猴桃标准化果园']);
    expect(await inboxKinds('leader')).toEqual(['COUNTY_APPROVAL 茶岭村食用菌种植大棚']);
    expect(await inboxKinds('village')).toEqual(['REVISE_AND_RESUBMIT 桃源村中蜂养殖示范']);
    const pool = await demo.s.prisma.project.findFirstOrThrow({ where: { name: '桃源村茶叶初加工车间' } });
    expect(pool.stage).toBe('IN_POOL');
  }, 240_000);

  it('seeds nothing twice when run again (a restart)', async () => {
    const before = {
      projects: await demo.s.prisma.project.count(),
      decisions: await demo.s.prisma.decision.count(),
      audit: await demo.s.prisma.auditEvent.count(),
      payments: await demo.s.prisma.payment.count(),
    };
    const again = await seedDemoProjects({ call: demo.call, timeoutMs: 5_000 });
    expect(again).toHaveLength(DEMO_PROJECTS.length);
    expect({
      projects: await demo.s.prisma.project.count(),
      decisions: await demo.s.prisma.decision.count(),
      audit: await demo.s.prisma.auditEvent.count(),
      payments: await demo.s.prisma.payment.count(),
    }).toEqual(before);
  }, 120_000);
});
