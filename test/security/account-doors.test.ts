import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_LIMIT, perAddressCap } from '../../src/auth/login-rate-limit';
import { DEMO_PASSWORD, startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #14 items 3, 6, 7 and 8, as the adversarial test found them on main: a login limit that
 * concurrent guesses walk through and that password spraying never meets, failed logins left
 * out of the audit log, cookie-authenticated writes from another port of the host (CSRF), an
 * administrator's own password reset without the current password, and personal tokens that
 * outlive a password reset or change.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

type TMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface TCaller {
  token?: string;
  cookie?: string;
  ip?: string;
  headers?: Record<string, string>;
}

/** The API as served on 127.0.0.1:3000; `headers` adds what a browser would (Origin, Sec-Fetch-Site). */
const HOST = '127.0.0.1:3000';
const call = (method: TMethod, url: string, who: TCaller = {}, payload?: unknown) =>
  s.app.inject({
    method,
    url,
    payload: payload as object,
    remoteAddress: who.ip,
    headers: {
      host: HOST,
      ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
      ...(who.cookie ? { cookie: who.cookie } : {}),
      ...who.headers,
    },
  });

async function login(username: string, password: string, ip?: string, headers?: Record<string, string>) {
  const res = await call('POST', '/api/auth/login', { ip, headers }, { username, password });
  const session = res.cookies.find((c) => c.name === 'bangfu_session');
  return { res, cookie: session ? `bangfu_session=${session.value}` : undefined };
}

let userSeq = 0;
async function createUser(prefix: string) {
  const username = `${prefix}-${++userSeq}`;
  const res = await call(
    'POST',
    '/api/admin/users',
    { token: s.tokens.admin },
    {
      username,
      displayName: `测试 ${username}`,
      password: 'initial-password-1',
      homeOrgUnitId: 'v-taoyuan',
      roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan' }],
    },
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; username: string };
}

async function personalToken(who: TCaller, name = 'cli') {
  const res = await call('POST', '/api/tokens', who, { name });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}

const lastAuditId = async () => (await s.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
const auditSince = (after: bigint) => s.prisma.auditEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' } });
const statusCounts = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, st) => ({ ...acc, [st]: (acc[st] ?? 0) + 1 }), {});

describe('login limit (issue #14 item 3)', () => {
  it('evaluates at most the limit of 40 concurrent guesses at one account, then refuses even the right password', async () => {
    const user = await createUser('guessed');
    const ip = '10.14.3.1';
    const after = await lastAuditId();
    const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(user.username, `wrong-guess-${i}`, ip)));
    expect(statusCounts(guesses.map((g) => g.res.statusCode))).toEqual({ 401: DEFAULT_LOGIN_LIMIT.maxFailures, 429: 40 - DEFAULT_LOGIN_LIMIT.maxFailures });
    expect(await s.prisma.failedLogin.count({ where: { username: user.username, ip } })).toBe(DEFAULT_LOGIN_LIMIT.maxFailures);
    // One audit event per evaluated guess, none for the refused ones.
    expect((await auditSince(after)).filter((e) => e.action === 'LOGIN_FAILED').map((e) => e.entityId)).toEqual(
      Array(DEFAULT_LOGIN_LIMIT.maxFailures).fill(user.id),
    );

    const right = await login(user.username, 'initial-password-1', ip);
    expect(right.res.statusCode).toBe(429);
    expect(right.res.json().error.code).toBe('RATE_LIMITED');
    expect(right.cookie).toBeUndefined();
    // The account itself is not locked: its owner signs in from another address.
    expect((await login(user.username, 'initial-password-1', '10.14.3.2')).res.statusCode).toBe(200);
  });

  it('limits spraying one password over many usernames from one address, concurrently too', async () => {
    const ip = '10.14.3.10';
    const cap = perAddressCap(DEFAULT_LOGIN_LIMIT);
    const usernames = [...Array.from({ length: cap + 4 }, (_, i) => `sprayed-${i}`), 'township'];
    const sprayed = await Promise.all(usernames.map((u) => login(u, 'Spring2026!', ip)));
    expect(statusCounts(sprayed.map((r) => r.res.statusCode))).toEqual({ 401: cap, 429: usernames.length - cap });
    for (const r of sprayed.filter((x) => x.res.statusCode === 429)) expect(Number(r.res.headers['retry-after'])).toBeGreaterThan(0);

    // The address is blocked for every account, the right password included; other addresses are not.
    const right = await login('monitor', DEMO_PASSWORD, ip);
    expect(right.res.statusCode).toBe(429);
    expect(right.res.json().error.code).toBe('RATE_LIMITED');
    expect((await login('monitor', DEMO_PASSWORD, '10.14.3.11')).res.statusCode).toBe(200);
  });

  it('audits a failed login (LOGIN_FAILED: address, username, reason; never the password), for known and unknown usernames', async () => {
    const user = await createUser('mistyped');
    const after = await lastAuditId();
    expect((await login(user.username, 'not-the-password-xyz', '10.14.3.20')).res.statusCode).toBe(401);
    expect((await login('no-such-person', 'not-the-password-xyz', '10.14.3.20')).res.statusCode).toBe(401);
    const events = await auditSince(after);
    expect(events.map((e) => ({ action: e.action, actorId: e.actorId, entityType: e.entityType, entityId: e.entityId, details: e.details }))).toEqual([
      {
        action: 'LOGIN_FAILED',
        actorId: null,
        entityType: 'User',
        entityId: user.id,
        details: { ip: '10.14.3.20', username: user.username, reason: 'WRONG_PASSWORD' },
      },
      {
        action: 'LOGIN_FAILED',
        actorId: null,
        entityType: 'Username',
        entityId: 'no-such-person',
        details: { ip: '10.14.3.20', username: 'no-such-person', reason: 'UNKNOWN_USER' },
      },
    ]);
    expect(JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('not-the-password-xyz');
  });

  it('takes back the attempt of a right password: successful sign-ins and password changes never use up the limit', async () => {
    const user = await createUser('regular');
    const ip = '10.14.3.30';
    for (let i = 0; i < DEFAULT_LOGIN_LIMIT.maxFailures + 2; i++) expect((await login(user.username, 'initial-password-1', ip)).res.statusCode).toBe(200);
    const { cookie } = await login(user.username, 'initial-password-1', ip);
    for (const [current, next] of [
      ['initial-password-1', 'second-password-2'],
      ['second-password-2', 'third-password-3'],
    ]) {
      expect((await call('POST', '/api/auth/password', { cookie, ip }, { currentPassword: current, newPassword: next })).statusCode).toBe(200);
    }
    expect(await s.prisma.failedLogin.count({ where: { ip } })).toBe(0);
  });
});

describe('cross-origin writes with the session cookie (issue #14 item 6)', () => {
  const foreign = { origin: 'http://127.0.0.1:8080' };

  it('refuses a deactivation from another port of the host with 403 CROSS_ORIGIN_REFUSED, changing nothing', async () => {
    const victim = await createUser('csrf-victim');
    const { cookie } = await login('admin', DEMO_PASSWORD);
    const after = await lastAuditId();
    for (const headers of [foreign, { 'sec-fetch-site': 'same-site', ...foreign }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }]) {
      const res = await call('POST', `/api/admin/users/${victim.id}/deactivate`, { cookie, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('CROSS_ORIGIN_REFUSED');
    }
    expect((await s.prisma.user.findUniqueOrThrow({ where: { id: victim.id } })).active).toBe(true);
    expect(await auditSince(after)).toEqual([]);

    // From the page's own origin it works (what the web app's fetch sends).
    const own = await call('POST', `/api/admin/users/${victim.id}/deactivate`, {
      cookie,
      headers: { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().active).toBe(false);
  });

  it('refuses a cross-origin logout, token revocation, role withdrawal and settings PUT; the session survives', async () => {
    const { cookie } = await login('admin', DEMO_PASSWORD);
    const token = await personalToken({ cookie });
    const tokenId = (await s.prisma.apiToken.findFirstOrThrow({ where: { userId: s.userIds.admin, kind: 'PERSONAL' }, orderBy: { createdAt: 'desc' } })).id;
    const grant = await s.prisma.roleAssignment.findFirstOrThrow({ where: { userId: s.userIds.village } });
    const after = await lastAuditId();
    for (const [method, url, payload] of [
      ['POST', '/api/auth/logout', undefined],
      ['DELETE', `/api/tokens/${tokenId}`, undefined],
      ['DELETE', `/api/admin/users/${s.userIds.village}/roles/${grant.id}`, undefined],
      ['PUT', '/api/admin/counties/c-qingshan/settings', { expectedVersion: 0, settings: {} }],
      ['POST', '/api/tokens', { name: 'planted by a foreign page' }],
    ] as Array<[TMethod, string, unknown]>) {
      const res = await call(method, url, { cookie, headers: foreign }, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('CROSS_ORIGIN_REFUSED');
    }
    expect(await auditSince(after)).toEqual([]);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(200);
    expect((await call('GET', '/api/me', { token })).statusCode).toBe(200);
    expect(await s.prisma.roleAssignment.count({ where: { id: grant.id } })).toBe(1);
  });

  it('refuses a sign-in posted from a foreign page (login CSRF), and lets reads, bearer-token callers and non-browser clients through', async () => {
    const signIn = await login('township', DEMO_PASSWORD, undefined, foreign);
    expect(signIn.res.statusCode).toBe(403);
    expect(signIn.res.json().error.code).toBe('CROSS_ORIGIN_REFUSED');
    expect(signIn.cookie).toBeUndefined();

    const { cookie } = await login('township', DEMO_PASSWORD);
    expect((await call('GET', '/api/me', { cookie, headers: foreign })).statusCode).toBe(200);
    // A bearer token is never attached by the browser on its own: not CSRF-able, whatever the Origin.
    expect((await call('POST', '/api/tokens', { token: s.tokens.township, headers: foreign }, { name: 'script' })).statusCode).toBe(201);
    // The same origin named with its default port is the same origin.
    expect(
      (await call('POST', '/api/tokens', { cookie, headers: { host: 'bangfu.example.org:443', origin: 'https://bangfu.example.org' } }, { name: 'tls' }))
        .statusCode,
    ).toBe(201);
    // No Origin and no Sec-Fetch-Site: curl or the CLI, not a page.
    expect((await call('POST', '/api/tokens', { cookie }, { name: 'curl' })).statusCode).toBe(201);
  });
});

describe("an administrator's own password (issue #14 item 7)", () => {
  it('refuses an administrator resetting their own password through the admin route; resetting someone else stays allowed', async () => {
    const after = await lastAuditId();
    const own = await call('POST', `/api/admin/users/${s.userIds.admin}/reset-password`, { token: s.tokens.admin }, { newPassword: 'taken-over-1234' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error).toMatchObject({ code: 'FORBIDDEN', details: [{ path: 'params.id' }] });
    expect(await auditSince(after)).toEqual([]);
    expect((await login('admin', 'taken-over-1234')).res.statusCode).toBe(401);
    expect((await login('admin', DEMO_PASSWORD)).res.statusCode).toBe(200);
    expect((await call('GET', '/api/me', { token: s.tokens.admin })).statusCode).toBe(200);

    const other = await createUser('reset-by-admin');
    expect((await call('POST', `/api/admin/users/${other.id}/reset-password`, { token: s.tokens.admin }, { newPassword: 'reset-password-1' })).statusCode).toBe(
      200,
    );
  });
});

describe('personal tokens and passwords (issue #14 item 8)', () => {
  it('revokes personal tokens on an admin password reset (401 afterwards), says how many, and audits it', async () => {
    const user = await createUser('reset-token');
    const { res } = await login(user.username, 'initial-password-1');
    const tokens = [await personalToken({ token: res.json().token }, 'a'), await personalToken({ token: res.json().token }, 'b')];
    const after = await lastAuditId();
    const reset = await call('POST', `/api/admin/users/${user.id}/reset-password`, { token: s.tokens.admin }, { newPassword: 'reset-password-1' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toEqual({ ok: true, signInsRevoked: 2, personalTokensRevoked: 2 });
    for (const token of tokens) {
      const me = await call('GET', '/api/me', { token });
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('UNAUTHENTICATED');
    }
    const events = await auditSince(after);
    expect(events.map((e) => [e.action, e.details])).toEqual([['PASSWORD_RESET', { signInsRevoked: 2, personalTokensRevoked: 2 }]]);
  });

  it('revokes personal tokens on a password change, except the credential the change was made with', async () => {
    const user = await createUser('change-token');
    const { cookie } = await login(user.username, 'initial-password-1');
    const stolen = await personalToken({ cookie }, 'made by whoever knew the old password');
    const changed = await call('POST', '/api/auth/password', { cookie }, { currentPassword: 'initial-password-1', newPassword: 'a-brand-new-password' });
    expect(changed.statusCode, changed.body).toBe(200);
    // The login's bearer token goes too; the cookie the change was made with stays.
    expect(changed.json()).toEqual({ ok: true, otherSignInsRevoked: 1, personalTokensRevoked: 1 });
    expect((await call('GET', '/api/me', { token: stolen })).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(200);
    expect((await call('GET', '/api/tokens', { cookie })).json().items).toEqual([]);

    // Changed through a personal token: that one keeps working, the others go.
    const cli = await personalToken({ cookie }, 'cli');
    const other = await personalToken({ cookie }, 'other');
    const viaToken = await call('POST', '/api/auth/password', { token: cli }, { currentPassword: 'a-brand-new-password', newPassword: 'yet-another-password' });
    expect(viaToken.json()).toEqual({ ok: true, otherSignInsRevoked: 1, personalTokensRevoked: 1 });
    expect((await call('GET', '/api/me', { token: cli })).statusCode).toBe(200);
    expect((await call('GET', '/api/me', { token: other })).statusCode).toBe(401);
  });
});
