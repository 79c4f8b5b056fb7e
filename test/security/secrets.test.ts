import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens';
import { SESSION_COOKIE } from '../../src/auth/session-cookie';
import { buildApp } from '../../src/http/app';
import { Prisma } from '../../src/generated/prisma/client';
import { startTestStack, DEMO_PASSWORD, type TTestStack } from '../support/stack';
import { authHeader } from './support';

/**
 * Secrets: passwords and tokens are stored only as hashes, appear in no column of any table and in
 * no log line, and the session cookie carries the flags that keep it from scripts and other sites.
 */

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const NEW_USER_PASSWORD = 'brand-new-password-7';
const RESET_PASSWORD = 'reset-by-admin-password-8';
const CHANGED_PASSWORD = 'changed-by-myself-password-9';

/** Signs in, issues a personal token, creates and resets an account: every kind of secret the API handles. */
async function exerciseSecrets(app: FastifyInstance) {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'finance', password: DEMO_PASSWORD } });
  expect(login.statusCode).toBe(200);
  const bearer = login.json().token as string;
  const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)!;
  const session = app.unsignCookie(cookie.value).value!;
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'finance', password: `${DEMO_PASSWORD}-wrong` } });
  expect(wrong.statusCode).toBe(401);
  const personal = await app.inject({ method: 'POST', url: '/api/tokens', headers: authHeader(bearer), payload: { name: 'secret scan' } });
  expect(personal.statusCode).toBe(201);
  const personalToken = personal.json().token as string;
  expect((await app.inject({ method: 'GET', url: '/api/me', headers: authHeader(personalToken) })).statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `${SESSION_COOKIE}=${cookie.value}` } })).statusCode).toBe(200);
  const username = `secret-${Date.now()}`;
  const created = await app.inject({
    method: 'POST',
    url: '/api/admin/users',
    headers: authHeader(s.tokens.admin),
    payload: { username, displayName: '密钥检查', password: NEW_USER_PASSWORD, homeOrgUnitId: 'v-taoyuan', roles: [] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const reset = await app.inject({
    method: 'POST',
    url: `/api/admin/users/${created.json().id}/reset-password`,
    headers: authHeader(s.tokens.admin),
    payload: { newPassword: RESET_PASSWORD },
  });
  expect(reset.statusCode).toBe(200);
  const relogin = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: RESET_PASSWORD } });
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: authHeader(relogin.json().token),
    payload: { currentPassword: RESET_PASSWORD, newPassword: CHANGED_PASSWORD },
  });
  expect(changed.statusCode).toBe(200);
  return {
    tokens: [bearer, session, personalToken, relogin.json().token as string],
    passwords: [DEMO_PASSWORD, NEW_USER_PASSWORD, RESET_PASSWORD, CHANGED_PASSWORD],
  };
}

/** Every row of every table, as text (the model list comes from the generated client). */
async function everyRowAsText(): Promise<string> {
  const parts: string[] = [];
  for (const model of Object.values(Prisma.ModelName)) {
    const rows = await (s.prisma as unknown as Record<string, { findMany(): Promise<unknown[]> }>)[model.charAt(0).toLowerCase() + model.slice(1)]!.findMany();
    parts.push(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  }
  return parts.join('\n');
}

describe('secrets at rest', () => {
  it('stores passwords as scrypt hashes and tokens as SHA-256 only; no secret appears in any column of any table', async () => {
    const { tokens, passwords } = await exerciseSecrets(s.app);
    const users = await s.prisma.user.findMany();
    expect(users.length).toBeGreaterThan(12);
    for (const u of users) {
      expect(u.passwordHash).toMatch(/^scrypt\$/);
      for (const p of passwords) expect(u.passwordHash).not.toContain(p);
    }
    for (const t of tokens) {
      const row = await s.prisma.apiToken.findUnique({ where: { tokenHash: hashToken(t) } });
      expect(row, 'each issued token has its hash stored').not.toBeNull();
      expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.tokenHash).not.toBe(t);
    }
    const everything = await everyRowAsText();
    for (const secret of [...tokens, ...passwords]) expect(everything.includes(secret), `a secret is stored in clear: ${secret.slice(0, 6)}…`).toBe(false);
    // The bare random part of a token is not stored either (e.g. without its bf_ prefix).
    for (const t of tokens) expect(everything.includes(t.replace(/^bf_/, ''))).toBe(false);
  });

  it('never returns a password hash or a token hash in an API response', async () => {
    const admin = authHeader(s.tokens.admin);
    const hashes = (await s.prisma.apiToken.findMany({ select: { tokenHash: true } })).map((r) => r.tokenHash);
    for (const url of ['/api/me', '/api/tokens', '/api/admin/users?pageSize=200', '/api/admin/org-units']) {
      const res = await s.app.inject({ method: 'GET', url, headers: admin });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/scrypt\$|passwordHash|tokenHash/);
      for (const h of hashes) expect(res.body.includes(h), url).toBe(false);
    }
  });
});

describe('secrets in logs', () => {
  /**
   * buildApp takes only a log level (no stream), and its pino logger writes to fd 1 through
   * sonic-boom, which calls fs.write/fs.writeSync on the shared `fs` module: wrapping those two
   * captures exactly what the server would print.
   */
  async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
    const chunks: string[] = [];
    const fsMutable = fs as unknown as Record<'write' | 'writeSync', (...args: unknown[]) => unknown>;
    const original = { write: fsMutable.write, writeSync: fsMutable.writeSync };
    // Captured lines are kept from the console (the test would otherwise print every request).
    const capture = (fd: unknown, data: unknown): number | null => {
      if (fd !== 1 && fd !== 2) return null;
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      chunks.push(text);
      return Buffer.byteLength(text);
    };
    fsMutable.write = (...args: unknown[]) => {
      const written = capture(args[0], args[1]);
      if (written === null) return original.write.apply(fs, args);
      const callback = args.at(-1) as (err: null, n: number) => void;
      process.nextTick(callback, null, written);
    };
    fsMutable.writeSync = (...args: unknown[]) => capture(args[0], args[1]) ?? original.writeSync.apply(fs, args);
    try {
      const result = await fn();
      await new Promise((r) => setTimeout(r, 200)); // let sonic-boom flush its buffer
      return { result, output: chunks.join('') };
    } finally {
      fsMutable.write = original.write;
      fsMutable.writeSync = original.writeSync;
    }
  }

  it.each(['info', 'trace'] as const)('logs no password, token or cookie at log level %s', async (logLevel) => {
    const app = await buildApp({ config: { ...s.config, logLevel }, prisma: s.prisma, temporal: s.client });
    try {
      const { result, output } = await captureStdout(() => exerciseSecrets(app));
      // The capture works: the request log lines are there.
      expect(output).toContain('"msg":"incoming request"');
      for (const secret of [...result.tokens, ...result.passwords]) expect(output.includes(secret), `logged in clear: ${secret.slice(0, 6)}…`).toBe(false);
      expect(output).not.toMatch(/bangfu_session=|Bearer bf_/);
    } finally {
      await app.close();
    }
  });
});

describe('session cookie', () => {
  it('is signed, HttpOnly, SameSite=Lax, Path=/ with a bounded lifetime, and is not the bearer token', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: DEMO_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const header = [res.headers['set-cookie']].flat().find((c) => c?.startsWith(`${SESSION_COOKIE}=`));
    expect(header).toBeDefined();
    const attrs = header!.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs.some((a) => /^max-age=\d+$/.test(a) && Number(a.slice(8)) > 0 && Number(a.slice(8)) <= 24 * 3600)).toBe(true);
    expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
    const value = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const unsigned = s.app.unsignCookie(value);
    expect(unsigned.valid).toBe(true);
    expect(value).not.toBe(unsigned.value); // a signature is appended
    expect(unsigned.value).not.toBe(res.json().token);
    // The signature is checked: the unsigned token alone does not authenticate.
    expect((await s.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `${SESSION_COOKIE}=${unsigned.value}` } })).statusCode).toBe(401);
  });

  it('is Secure when the request arrived over HTTPS', async () => {
    const app = await buildApp({ config: { ...s.config, accounts: { ...s.config.accounts, trustProxy: true } }, prisma: s.prisma, temporal: s.client });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { username: 'leader', password: DEMO_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      const header = [res.headers['set-cookie']].flat().find((c) => c?.startsWith(`${SESSION_COOKIE}=`))!;
      expect(header.split(';').map((a) => a.trim().toLowerCase())).toContain('secure');
    } finally {
      await app.close();
    }
  });
});
