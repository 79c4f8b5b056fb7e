import { expect } from 'vitest';
import { newRequestId, type TTestStack } from './stack';

/**
 * The HTTP API as a named demo user (`s.tokens[who]`): `call`, `decide` on a task with a fresh
 * request id, `ok` for a 200/201 answer's body. The stack is read at call time, since a test file
 * starts it in `beforeAll`.
 */
export function apiAs(stack: () => TTestStack) {
  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown) =>
    stack().app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${stack().tokens[who]}` } });
  const decide = (who: string, taskId: string, body: Record<string, unknown>) =>
    call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, who, { requestId: newRequestId(), ...body });
  async function ok(res: Awaited<ReturnType<typeof call>>) {
    expect([200, 201], res.body).toContain(res.statusCode);
    return res.json();
  }
  return { call, decide, ok };
}
