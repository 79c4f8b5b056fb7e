import { afterAll, beforeAll, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
let s: TTestStack;
beforeAll(async () => { s = await startTestStack(); });
afterAll(async () => { await s?.close(); });
it('probe', async () => {
  const h = { authorization: `Bearer ${s.tokens.village}` };
  for (const over of [{ name: 'a\u0000b' }, { meetingRecord: '\uD800x' }, { fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: 60_000_000 }, { source: 'OWN_CAPITAL', amountFen: -10_000_000 }] }, { implementer: { name: '<script>', __proto__: 1 } }]) {
    const t0 = Date.now();
    const r = await Promise.race([s.app.inject({ method: 'POST', url: '/api/projects', headers: h, payload: { ...sampleProposal(over), requestId: newRequestId() } }), new Promise<null>((res) => setTimeout(() => res(null), 15000))]);
    console.log(JSON.stringify(over).slice(0, 80), Date.now() - t0, r?.statusCode, r?.body.slice(0, 300));
  }
}, 120000);
