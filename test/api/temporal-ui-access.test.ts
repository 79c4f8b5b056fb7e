import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taoyuanProjectRow } from '../support/project-row';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * The Temporal Web UI has no sign-in and offers Cancel and Terminate on every workflow, so the
 * server links it for monitors and administrators only: GET /api/me carries its address (null for
 * everyone else), and so does a project's page for its workflow.
 */
let s: TTestStack;

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  await s.prisma.project.create({ data: taoyuanProjectRow({ id: 'tui-tea', proposerId: s.userIds.village! }) });
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string, who: string) => s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.tokens[who]}` } });

describe('who is shown the Temporal UI', () => {
  it('GET /api/me: the address for a monitor and an administrator, null for every other role', async () => {
    for (const who of ['monitor', 'admin']) {
      const me = (await get('/api/me', who)).json();
      expect(me.temporalUiUrl, who).toBe(s.config.temporal.uiUrl);
    }
    for (const who of ['village', 'township', 'agri', 'finance', 'leader', 'expert', 'discipline', 'implementer']) {
      const res = await get('/api/me', who);
      expect([res.statusCode, res.json().temporalUiUrl], who).toEqual([200, null]);
    }
  });

  it("a project's workflow link: for the monitor, not for the village that proposed it", async () => {
    const monitor = (await get('/api/projects/tui-tea', 'monitor')).json();
    expect(monitor.temporalUiUrl).toBe(`${s.config.temporal.uiUrl}/namespaces/${s.config.temporal.namespace}/workflows/project-tui-tea`);
    const village = await get('/api/projects/tui-tea', 'village');
    expect([village.statusCode, village.json().temporalUiUrl]).toEqual([200, null]);
  });
});
