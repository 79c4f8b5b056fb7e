import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * HTTP-level answers no route gives (issue #14.10), found by Schemathesis (scripts/schemathesis.sh):
 * a wrong method, headers over Node's limit, the cache and sniffing headers, and which routes the
 * OpenAPI document says need no credential.
 */
let s: TTestStack;
let auth: { authorization: string };
beforeAll(async () => {
  s = await startTestStack({ worker: false });
  auth = { authorization: `Bearer ${s.tokens.admin}` };
});
afterAll(async () => {
  await s?.close();
});

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Array) } });

/** One raw HTTP/1.1 exchange on a real socket: Node's parser refuses some requests before Fastify sees them. */
async function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
  });
}

describe('HTTP protocol answers', () => {
  it('an undeclared method on a known path answers 405 METHOD_NOT_ALLOWED with Allow, not 404', async () => {
    const res = await s.app.inject({ method: 'DELETE', url: '/api/me', headers: auth });
    expect([res.statusCode, res.headers.allow, res.json()]).toEqual([405, 'GET, HEAD', envelope('METHOD_NOT_ALLOWED')]);

    // With a path parameter, and the methods of every route on the path.
    const project = await s.app.inject({ method: 'PATCH', url: '/api/projects/p-1', headers: auth });
    expect([project.statusCode, project.headers.allow]).toEqual([405, 'GET, HEAD']);
    const users = await s.app.inject({ method: 'PUT', url: '/api/admin/users', headers: auth });
    expect([users.statusCode, users.headers.allow]).toEqual([405, 'GET, HEAD, POST']);

    // QUERY without a Content-Type is refused by Fastify before routing: still 405, not 400.
    const query = await s.app.inject({ method: 'QUERY' as 'GET', url: '/api/tasks', headers: auth });
    expect([query.statusCode, query.headers.allow, query.json().error.code]).toEqual([405, 'GET, HEAD', 'METHOD_NOT_ALLOWED']);

    // A declared path is its own resource where a pattern beside it would match it too: the import
    // takes POST only, though GET /api/assets/:id would take "imports" as an id.
    for (const url of ['/api/assets/imports', '/api/households/imports']) {
      for (const method of ['GET', 'OPTIONS', 'DELETE'] as const) {
        const shadowed = await s.app.inject({ method, url, headers: auth });
        expect([url, method, shadowed.statusCode, shadowed.headers.allow, shadowed.json().error.code]).toEqual([
          url,
          method,
          405,
          'POST',
          'METHOD_NOT_ALLOWED',
        ]);
      }
    }
    const asset = await s.app.inject({ method: 'GET', url: '/api/assets/no-such-asset', headers: auth });
    expect(asset.statusCode).toBe(404);

    const unknown = await s.app.inject({ method: 'DELETE', url: '/api/no-such-thing', headers: auth });
    expect([unknown.statusCode, unknown.headers.allow, unknown.json()]).toEqual([404, undefined, envelope('NOT_FOUND')]);
  });

  it("headers over the limit answer 431 HEADERS_TOO_LARGE in the error envelope (and unreadable HTTP 400), not Fastify's own shape", async () => {
    const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const answer = await rawExchange(Number(new URL(url).port), `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(head).toMatch(/x-content-type-options: nosniff/i);
    expect(JSON.parse(body!)).toEqual({
      error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: [{ path: 'headers', message: 'too large' }] },
    });

    // Any other request Node's parser cannot read: 400, in the envelope too.
    const garbled = await rawExchange(Number(new URL(url).port), 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbled.split('\r\n\r\n')[1]!).error.code).toBe('VALIDATION_FAILED');
  });

  it('JSON answers carry Cache-Control: no-store and X-Content-Type-Options: nosniff, refusals too', async () => {
    for (const res of [
      await s.app.inject({ method: 'GET', url: '/api/me', headers: auth }),
      await s.app.inject({ method: 'GET', url: '/api/me' }),
      await s.app.inject({ method: 'GET', url: '/api/no-such-thing', headers: auth }),
      await s.app.inject({ method: 'DELETE', url: '/api/me', headers: auth }),
    ]) {
      expect([res.statusCode, res.headers['cache-control'], res.headers['x-content-type-options']]).toEqual([res.statusCode, 'no-store', 'nosniff']);
    }
    // The web shell keeps its own cache policy (revalidate) and gets nosniff too.
    const shell = await s.app.inject({ method: 'GET', url: '/' });
    expect([shell.headers['cache-control'], shell.headers['x-content-type-options']]).toEqual(['no-cache', 'nosniff']);
  });

  it('the OpenAPI document says which operations need no credential (health, login and the public board: security: []) and that bearer or the session cookie signs in', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      security: unknown;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
    const open = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([m]) => `${m} ${path}`),
    );
    // The public 公示 board and its objection form are for villagers without an account.
    expect(open.sort()).toEqual([
      'get /api/health',
      'get /api/public/counties/{countyCode}/publicity',
      'post /api/auth/login',
      'post /api/public/projects/{id}/objections',
    ]);
    // And they are what they say: public without a credential, the rest refuse one.
    expect((await s.app.inject({ method: 'GET', url: '/api/health' })).statusCode).not.toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/api/public/counties/c-qingshan/publicity' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/api/me' })).json().error.code).toBe('UNAUTHENTICATED');
  });
});
