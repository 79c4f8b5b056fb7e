import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens';
import { DEMO_PASSWORD, startTestStack, type TTestStack } from '../support/stack';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

type TMethod = 'GET' | 'POST' | 'DELETE';
const call = (method: TMethod, url: string, auth?: { token?: string; cookie?: string; ip?: string }, payload?: unknown) =>
  s.app.inject({
    method,
    url,
    payload: payload as object,
    remoteAddress: auth?.ip,
    headers: { ...(auth?.token ? { authorization: `Bearer ${auth.token}` } : {}), ...(auth?.cookie ? { cookie: auth.cookie } : {}) },
  });
const as = (username: string) => ({ token: s.tokens[username] });

/** Runs a call and returns it with the audit events it wrote. */
async function audited<T>(fn: () => Promise<T>) {
  const before = await s.prisma.auditEvent.aggregate({ _max: { id: true } });
  const result = await fn();
  const events = await s.prisma.auditEvent.findMany({ where: { id: { gt: before._max.id ?? 0n } }, orderBy: { id: 'asc' } });
  return { result, events };
}

async function login(username: string, password: string, ip?: string) {
  const res = await call('POST', '/api/auth/login', { ip }, { username, password });
  const session = res.cookies.find((c) => c.name === 'bangfu_session');
  return { res, session, cookie: session ? `bangfu_session=${session.value}` : undefined };
}

/** A fresh account made through the admin API, so tests do not disturb the shared demo users. */
async function createUser(username: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/admin/users', as('admin'), {
    username,
    displayName: `测试 ${username}`,
    password: 'initial-password-1',
    homeOrgUnitId: 'v-taoyuan',
    roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan' }],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; username: string; roles: Array<{ id: string; role: string; orgUnitId: string }> };
}

describe('sessions', () => {
  it('login sets a signed httpOnly SameSite=Lax session cookie that authenticates, and audits once', async () => {
    const { result, events } = await audited(() => login('township', DEMO_PASSWORD));
    const { res, session, cookie } = result;
    expect(res.statusCode).toBe(200);
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Lax');
    expect(session!.path).toBe('/');
    expect(session!.maxAge).toBeGreaterThan(0);
    const unsigned = s.app.unsignCookie(session!.value);
    expect(unsigned.valid).toBe(true);
    // The cookie's token is a different secret from the bearer token in the body, stored hashed.
    expect(unsigned.value).not.toBe(res.json().token);
    const row = await s.prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(unsigned.value!) } });
    expect(row.kind).toBe('SESSION');
    expect(await s.prisma.apiToken.count({ where: { tokenHash: unsigned.value! } })).toBe(0);
    expect(events.map((e) => e.action)).toEqual(['LOGIN']);

    const me = await call('GET', '/api/me', { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json().userId).toBe(s.userIds.township);
  });

  it('refuses a tampered cookie, and a session token sent as a bearer token', async () => {
    const { session } = await login('township', DEMO_PASSWORD);
    const raw = s.app.unsignCookie(session!.value).value!;
    expect((await call('GET', '/api/me', { cookie: `bangfu_session=${raw}` })).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { cookie: `bangfu_session=${raw}.forged` })).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { token: raw })).statusCode).toBe(401);
  });

  it('logout revokes the cookie session and the login bearer token, clears the cookie, and audits once', async () => {
    const { res, cookie } = await login('agri', DEMO_PASSWORD);
    const bearer = res.json().token as string;
    const { result: out, events } = await audited(() => call('POST', '/api/auth/logout', { cookie, token: bearer }));
    expect(out.statusCode).toBe(200);
    expect(out.json().revoked).toBe(2);
    const cleared = out.cookies.find((c) => c.name === 'bangfu_session');
    expect(cleared?.value).toBe('');
    expect(events.map((e) => e.action)).toEqual(['LOGOUT']);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { token: bearer })).statusCode).toBe(401);
    // The demo token of the same user (a personal token) still works.
    expect((await call('GET', '/api/me', as('agri'))).statusCode).toBe(200);
    expect((await call('POST', '/api/auth/logout')).statusCode).toBe(401);
  });

  it('changes the own password: old one required, min length 10, other sign-ins revoked, audited once', async () => {
    const user = await createUser('pwchanger');
    const first = await login('pwchanger', 'initial-password-1');
    const second = await login('pwchanger', 'initial-password-1');

    const short = await call('POST', '/api/auth/password', { cookie: first.cookie }, { currentPassword: 'initial-password-1', newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('VALIDATION_FAILED');
    expect(short.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.newPassword' }));

    const wrong = await call(
      'POST',
      '/api/auth/password',
      { cookie: first.cookie },
      { currentPassword: 'not-my-password', newPassword: 'a-brand-new-password' },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.currentPassword' }));

    const { result: ok, events } = await audited(() =>
      call('POST', '/api/auth/password', { cookie: first.cookie }, { currentPassword: 'initial-password-1', newPassword: 'a-brand-new-password' }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(events.map((e) => [e.action, e.entityId])).toEqual([['PASSWORD_CHANGED', user.id]]);
    expect((await call('GET', '/api/me', { cookie: first.cookie })).statusCode).toBe(200);
    expect((await call('GET', '/api/me', { cookie: second.cookie })).statusCode).toBe(401);
    expect((await login('pwchanger', 'initial-password-1')).res.statusCode).toBe(401);
    expect((await login('pwchanger', 'a-brand-new-password')).res.statusCode).toBe(200);
    const stored = await s.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).not.toContain('a-brand-new-password');
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
  });

  it('rate-limits failed logins per username and address: the 6th attempt within 15 minutes is 429, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const bad = await login('monitor', 'wrong-password', '10.0.0.7');
      expect(bad.res.statusCode).toBe(401);
    }
    const blocked = await login('monitor', DEMO_PASSWORD, '10.0.0.7');
    expect(blocked.res.statusCode).toBe(429);
    expect(blocked.res.json().error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.res.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.session).toBeUndefined();
    // Another address is counted apart, and an unknown username is limited the same way.
    expect((await login('monitor', DEMO_PASSWORD, '10.0.0.8')).res.statusCode).toBe(200);
    for (let i = 0; i < 5; i++) await login('nobody-here', 'x', '10.0.0.9');
    expect((await login('nobody-here', 'x', '10.0.0.9')).res.statusCode).toBe(429);
    // Failures older than the window no longer count.
    await s.prisma.failedLogin.updateMany({ where: { username: 'monitor', ip: '10.0.0.7' }, data: { at: new Date(Date.now() - 16 * 60_000) } });
    expect((await login('monitor', DEMO_PASSWORD, '10.0.0.7')).res.statusCode).toBe(200);
  });

  it('answers an unknown user, a wrong password and a malformed body as documented', async () => {
    expect((await login('no-such-user', 'whatever-password')).res.json().error.code).toBe('INVALID_CREDENTIALS');
    const malformed = await call('POST', '/api/auth/login', {}, { username: '' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.username', 'body.password']));
  });
});

describe('personal API tokens', () => {
  it('creates a token shown once, lists without the secret, works as a bearer token, and revokes it', async () => {
    const { result: created, events } = await audited(() => call('POST', '/api/tokens', as('finance'), { name: 'ledger export script', expiresInDays: 30 }));
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^bf_/);
    expect(events.map((e) => [e.action, e.entityId])).toEqual([['TOKEN_CREATED', id]]);
    expect(JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(token);

    const listed = await call('GET', '/api/tokens', as('finance'));
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((t: { id: string }) => t.id)).toContain(id);
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain(hashToken(token));
    expect(Object.keys(listed.json().items[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    // The database holds only the hash.
    const row = await s.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    expect((await call('GET', '/api/me', { token })).json().userId).toBe(s.userIds.finance);
    // Another user cannot see or revoke it.
    expect((await call('GET', '/api/tokens', as('agri'))).json().items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect((await call('DELETE', `/api/tokens/${id}`, as('agri'))).statusCode).toBe(404);

    const { result: revoked, events: revokeEvents } = await audited(() => call('DELETE', `/api/tokens/${id}`, as('finance')));
    expect(revoked.statusCode).toBe(204);
    expect(revokeEvents.map((e) => e.action)).toEqual(['TOKEN_REVOKED']);
    expect((await call('GET', '/api/me', { token })).statusCode).toBe(401);
    expect((await call('DELETE', `/api/tokens/${id}`, as('finance'))).statusCode).toBe(404);
    expect((await call('GET', '/api/tokens', as('finance'))).json().items.map((t: { id: string }) => t.id)).not.toContain(id);
  });

  it('validates bodies and params, and needs a sign-in', async () => {
    const bad = await call('POST', '/api/tokens', as('finance'), { name: '', expiresInDays: -1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.name', 'body.expiresInDays']));
    expect((await call('DELETE', '/api/tokens/not-a-uuid', as('finance'))).json().error.details[0].path).toBe('params.id');
    expect((await call('POST', '/api/tokens', {}, { name: 'x' })).statusCode).toBe(401);
    expect((await call('GET', '/api/tokens')).statusCode).toBe(401);
  });
});

describe('administration', () => {
  it('creates a user with a role (audited once); the user logs in and sees the role', async () => {
    const { result: created, events } = await audited(() =>
      call('POST', '/api/admin/users', as('admin'), {
        username: 'newreviewer',
        displayName: '河西镇 新审核员',
        password: 'welcome-2026!',
        homeOrgUnitId: 't-hexi',
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ username: 'newreviewer', active: true, roles: [] });
    expect(created.body).not.toContain('passwordHash');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'USER_CREATED',
      entityType: 'User',
      entityId: user.id,
      actorId: s.userIds.admin,
      role: 'ADMIN',
      orgUnitId: 'c-qingshan',
    });

    const { result: assigned, events: assignEvents } = await audited(() =>
      call('POST', `/api/admin/users/${user.id}/roles`, as('admin'), { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' }),
    );
    expect(assigned.statusCode, assigned.body).toBe(201);
    expect(assignEvents.map((e) => [e.action, e.entityId, e.role])).toEqual([['ROLE_ASSIGNED', user.id, 'ADMIN']]);

    const { res } = await login('newreviewer', 'welcome-2026!');
    expect(res.statusCode).toBe(200);
    const me = await call('GET', '/api/me', { token: res.json().token });
    expect(me.json().roles).toEqual([{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi', orgPath: '/c-qingshan/t-hexi/' }]);

    const listed = await call('GET', '/api/admin/users?q=newreviewer', as('admin'));
    expect(listed.json().items).toHaveLength(1);
    expect(listed.json().items[0].roles[0]).toMatchObject({ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' });
  });

  it('refuses a taken username (409), a duplicate grant (409), unknown users and units (404), bad input (400)', async () => {
    const taken = await call('POST', '/api/admin/users', as('admin'), {
      username: 'township',
      displayName: 'x',
      password: 'long-enough-pw',
      homeOrgUnitId: 't-hexi',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'body.username' }] });

    const dup = await call('POST', `/api/admin/users/${s.userIds.township}/roles`, as('admin'), { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' });
    expect(dup.statusCode).toBe(409);

    const missing = await call('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/deactivate', as('admin'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const noUnit = await call('POST', '/api/admin/users', as('admin'), {
      username: 'ghost',
      displayName: 'x',
      password: 'long-enough-pw',
      homeOrgUnitId: 'v-nowhere',
    });
    expect(noUnit.statusCode).toBe(404);
    const noAssignment = await call('DELETE', `/api/admin/users/${s.userIds.township}/roles/00000000-0000-4000-8000-000000000000`, as('admin'));
    expect(noAssignment.statusCode).toBe(404);

    const bad = await call('POST', '/api/admin/users', as('admin'), {
      username: 'a b',
      displayName: '',
      password: 'short',
      homeOrgUnitId: 't-hexi',
      roles: [{ role: 'KING', orgUnitId: 't-hexi' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.username', 'body.displayName', 'body.password', 'body.roles.0.role']),
    );
    expect((await call('POST', '/api/admin/users/xyz/roles', as('admin'), { role: 'ADMIN', orgUnitId: 't-hexi' })).json().error.details[0].path).toBe(
      'params.id',
    );
  });

  it('refuses non-administrators (403 ROLE_NOT_ALLOWED) and anonymous callers (401), changing nothing', async () => {
    const before = await s.prisma.auditEvent.count();
    for (const [method, url, body] of [
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { username: 'sneaky', displayName: 'x', password: 'long-enough-pw', homeOrgUnitId: 'v-taoyuan' }],
      ['POST', `/api/admin/users/${s.userIds.village}/roles`, { role: 'ADMIN', orgUnitId: 'c-qingshan' }],
      ['POST', `/api/admin/users/${s.userIds.village}/reset-password`, { newPassword: 'long-enough-pw' }],
      ['POST', `/api/admin/users/${s.userIds.village}/deactivate`, undefined],
      ['GET', '/api/admin/org-units', undefined],
      ['POST', '/api/admin/org-units', { name: '新村', parentId: 't-hexi' }],
    ] as Array<[TMethod, string, unknown]>) {
      const res = await call(method, url, as('township'), body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('ROLE_NOT_ALLOWED');
      expect((await call(method, url, {}, body)).statusCode).toBe(401);
    }
    expect(await s.prisma.user.count({ where: { username: 'sneaky' } })).toBe(0);
    expect(await s.prisma.auditEvent.count()).toBe(before);
  });

  it('keeps a township administrator inside its subtree (403 OUT_OF_SCOPE), changing nothing', async () => {
    const sub = await createUser('hexi-admin', { homeOrgUnitId: 't-hexi', roles: [{ role: 'ADMIN', orgUnitId: 't-hexi' }] });
    const subToken = (await login(sub.username, 'initial-password-1')).res.json().token as string;
    const before = await s.prisma.auditEvent.count();

    const outside = await call(
      'POST',
      '/api/admin/users',
      { token: subToken },
      { username: 'dongling-user', displayName: 'x', password: 'long-enough-pw', homeOrgUnitId: 'v-chaling' },
    );
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', details: [{ path: 'body.homeOrgUnitId' }] });
    const outsideRole = await call(
      'POST',
      '/api/admin/users',
      { token: subToken },
      {
        username: 'mixed-user',
        displayName: 'x',
        password: 'long-enough-pw',
        homeOrgUnitId: 'v-taoyuan',
        roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-chaling' }],
      },
    );
    expect(outsideRole.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', details: [{ path: 'body.roles.0.orgUnitId' }] });
    // A county-level account is not the township administrator's to change.
    expect(
      (await call('POST', `/api/admin/users/${s.userIds.agri}/reset-password`, { token: subToken }, { newPassword: 'long-enough-pw' })).json().error.code,
    ).toBe('OUT_OF_SCOPE');
    expect((await call('POST', `/api/admin/users/${s.userIds.village2}/deactivate`, { token: subToken })).statusCode).toBe(403);
    expect(
      (await call('POST', `/api/admin/users/${s.userIds.village}/roles`, { token: subToken }, { role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-chaling' })).json()
        .error.code,
    ).toBe('OUT_OF_SCOPE');
    expect((await call('POST', '/api/admin/org-units', { token: subToken }, { name: '新建村', parentId: 't-dongling' })).statusCode).toBe(403);
    expect(await s.prisma.auditEvent.count()).toBe(before);
    expect((await s.prisma.user.findUniqueOrThrow({ where: { id: s.userIds.village2 } })).active).toBe(true);

    // Inside its subtree it works, and its tree and user list stop at the township.
    const tree = await call('GET', '/api/admin/org-units', { token: subToken });
    expect(tree.json().items.map((n: { id: string }) => n.id)).toEqual(['t-hexi']);
    expect(
      tree
        .json()
        .items[0].children.map((n: { id: string }) => n.id)
        .sort(),
    ).toEqual(['v-shiqiao', 'v-taoyuan']);
    const users = (await call('GET', '/api/admin/users?pageSize=200', { token: subToken })).json().items.map((u: { username: string }) => u.username);
    expect(users).toContain('village');
    expect(users).not.toContain('village2');
    expect(users).not.toContain('agri');
    const grant = await call('POST', `/api/admin/users/${s.userIds.village}/roles`, { token: subToken }, { role: 'IMPLEMENTER', orgUnitId: 'v-shiqiao' });
    expect(grant.statusCode).toBe(201);
    const { result: withdrawn, events } = await audited(() =>
      call('DELETE', `/api/admin/users/${s.userIds.village}/roles/${grant.json().id}`, { token: subToken }),
    );
    expect(withdrawn.statusCode).toBe(204);
    expect(events.map((e) => [e.action, e.orgUnitId])).toEqual([['ROLE_WITHDRAWN', 't-hexi']]);
  });

  it("resets a password (sign-ins revoked) and deactivates a user: the user's tokens stop working (401); each audited once", async () => {
    const user = await createUser('leaver');
    const session = await login('leaver', 'initial-password-1');
    const { result: reset, events } = await audited(() =>
      call('POST', `/api/admin/users/${user.id}/reset-password`, as('admin'), { newPassword: 'reset-by-admin-1' }),
    );
    expect(reset.statusCode).toBe(200);
    expect(events.map((e) => e.action)).toEqual(['PASSWORD_RESET']);
    expect((await call('GET', '/api/me', { cookie: session.cookie })).statusCode).toBe(401);
    const again = await login('leaver', 'reset-by-admin-1');
    expect(again.res.statusCode).toBe(200);
    const personal = (await call('POST', '/api/tokens', { token: again.res.json().token }, { name: 'cli' })).json().token as string;
    expect((await call('GET', '/api/me', { token: personal })).statusCode).toBe(200);

    const { result: off, events: offEvents } = await audited(() => call('POST', `/api/admin/users/${user.id}/deactivate`, as('admin')));
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect(offEvents.map((e) => [e.action, e.entityId])).toEqual([['USER_DEACTIVATED', user.id]]);
    for (const auth of [{ token: personal }, { token: again.res.json().token }, { cookie: again.cookie }]) {
      const res = await call('GET', '/api/me', auth);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect((await login('leaver', 'reset-by-admin-1')).res.statusCode).toBe(401);
    expect((await call('POST', `/api/admin/users/${user.id}/deactivate`, as('admin'))).statusCode).toBe(409);
    expect((await call('POST', `/api/admin/users/${s.userIds.admin}/deactivate`, as('admin'))).statusCode).toBe(409);
  });

  it('adds a village under a township (audited once) and refuses a child of a village, a taken id and an unknown parent', async () => {
    const { result: created, events } = await audited(() =>
      call('POST', '/api/admin/org-units', as('admin'), { id: 'v-xinhe', name: '新河村', parentId: 't-hexi' }),
    );
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 'v-xinhe', level: 'VILLAGE', path: '/c-qingshan/t-hexi/v-xinhe/' });
    expect(events.map((e) => [e.action, e.entityId])).toEqual([['ORG_UNIT_CREATED', 'v-xinhe']]);
    const township = await call('POST', '/api/admin/org-units', as('admin'), { name: '南山镇', parentId: 'c-qingshan' });
    expect(township.json()).toMatchObject({ level: 'TOWNSHIP' });
    expect(township.json().id).toMatch(/^t-/);

    expect((await call('POST', '/api/admin/org-units', as('admin'), { id: 'v-xinhe', name: '另一个', parentId: 't-hexi' })).statusCode).toBe(409);
    expect((await call('POST', '/api/admin/org-units', as('admin'), { name: '新河村', parentId: 't-hexi' })).statusCode).toBe(409);
    expect((await call('POST', '/api/admin/org-units', as('admin'), { name: '组', parentId: 'v-xinhe' })).statusCode).toBe(400);
    expect((await call('POST', '/api/admin/org-units', as('admin'), { name: '某村', parentId: 't-nowhere' })).statusCode).toBe(404);
    const tree = (await call('GET', '/api/admin/org-units', as('admin'))).json();
    expect(tree.items.map((n: { id: string }) => n.id)).toEqual(['c-qingshan']);
    const hexi = tree.items[0].children.find((n: { id: string }) => n.id === 't-hexi');
    expect(hexi.children.map((n: { id: string }) => n.id)).toContain('v-xinhe');
  });

  it('documents every accounts route with its schemas in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json();
    for (const path of [
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/password',
      '/api/tokens',
      '/api/tokens/{id}',
      '/api/admin/users',
      '/api/admin/users/{id}/roles',
      '/api/admin/users/{id}/roles/{assignmentId}',
      '/api/admin/users/{id}/reset-password',
      '/api/admin/users/{id}/deactivate',
      '/api/admin/org-units',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/admin/users'].post.requestBody.content['application/json'].schema.properties.username).toBeDefined();
  });
});
