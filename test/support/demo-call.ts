import type { TDemoCall } from '../../src/seed/demo-projects';
import type { TTestStack } from './stack';

/** The demo seed's API calls, answered by the test stack's app with each demo account's token. */
export function demoCall(s: TTestStack): TDemoCall {
  return async (method, url, username, body) => {
    const res = await s.app.inject({ method, url, payload: body as object, headers: { authorization: `Bearer ${s.tokens[username]}` } });
    return { status: res.statusCode, body: res.json() };
  };
}
