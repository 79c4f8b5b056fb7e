import type { TDemoCall } from '../../src/seed/demo-projects';
import { afterAll, beforeAll } from 'vitest';
import { startTestStack, type TTestStack } from './stack';

/** The demo seed's API calls, answered by the test stack's app with each demo account's token. */
export function demoCall(s: TTestStack): TDemoCall {
  return async (method, url, username, body) => {
    const res = await s.app.inject({ method, url, payload: body as object, headers: { authorization: `Bearer ${s.tokens[username]}` } });
    return { status: res.statusCode, body: res.json() };
  };
}

/** A test stack for this file (started before its tests, closed after), with the demo seed's calls on it. */
export function demoStack(): { s: TTestStack; call: TDemoCall } {
  const demo = {} as { s: TTestStack; call: TDemoCall };
  beforeAll(async () => {
    demo.s = await startTestStack();
    demo.call = demoCall(demo.s);
  });
  afterAll(async () => {
    await demo.s?.close();
  });
  return demo;
}
