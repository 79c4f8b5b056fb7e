import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password';
import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';
import { issueTokenRecord } from '../../src/auth/tokens';
import { newRequestId, sampleProposal, startTestStack, DEMO_PASSWORD, type TTestStack } from '../support/stack';
import { authHeader, changedTables, errorCodeOf, listRoutes, rowCounts as rowCountsOf, snapshot, type TJsonSchema, type TRoute } from './support';
import { PASSED_CHECKS } from '../support/proposal';

/**
 * Malformed, oversized, wrong-typed, negative-money, huge-number, unicode and injection-shaped
 * input for every documented route (its body, path parameters and query). Input that is invalid by
 * construction must get a 4xx with an `error.code` and change nothing; any input must never get a
 * 5xx. Seeded: FC_SEED=<n> replays a failing run (fast-check prints the seed and path on failure).
 */

const SEED = Number(process.env.FC_SEED ?? 20_260_101);
const RUNS = { body: 30, params: 30, query: 30, text: 20, unstorable: 15, textSlow: 6 } as const;

let s: TTestStack;
let routes: TRoute[];

interface TSample {
  token?: string;
  params: Record<string, string>;
  payload?: Record<string, unknown>;
}

/** A valid request per route (fixtures from beforeAll); a mutation of it is invalid in exactly one place. */
const samples = new Map<string, TSample>();

/** Routes whose valid-input runs start a workflow: fewer runs keep the file under its time budget. */
const SLOW_ROUTES = new Set(['POST /api/projects']);

const INJECTION = [
  "' OR 1=1 --",
  '"; DROP TABLE "User"; --',
  '1\'; UPDATE "User" SET active=false; --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '%00',
  '\\u0000',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '\u202Eevil\u202C', // right-to-left override
  'مشروع الشاي', // Arabic (RTL)
  'פרויקט', // Hebrew (RTL)
  '🐄🍵👨‍👩‍👧‍👦',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u200B\u200D\uFEFF',
  '   ',
  '桃源村\r\n\tX-Injected: 1',
];

const nastyText = fc.oneof(
  fc.constantFrom(...INJECTION),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // eslint-disable-next-line no-control-regex -- NUL is excluded on purpose: the API refuses it elsewhere (errors.ts).
  fc.string({ unit: 'binary', maxLength: 40 }).filter((x) => !/\u0000|[\uD800-\uDFFF]/.test(x)),
  fc.tuple(fc.constantFrom(...INJECTION), fc.constantFrom(...INJECTION)).map(([a, b]) => `${a}${b}`),
);

const JSON_TYPE = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Values of every JSON type (and shapes attackers like); filtered per schema to the wrong ones. */
const ANY_TYPE: unknown[] = ['NaN', '1e309', "' OR 1=1 --", '', 12345, -1, 1.5, 0, true, false, null, [], {}, ['<script>'], { $gt: '' }, { __proto__x: 1 }];

function schemaTypes(schema: TJsonSchema): Set<string> {
  const types = new Set<string>();
  for (const branch of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    for (const t of [branch.type ?? []].flat()) types.add(t);
    if (branch.enum) for (const v of branch.enum) types.add(JSON_TYPE(v));
    if (branch.const !== undefined) types.add(JSON_TYPE(branch.const));
  }
  if (types.has('number')) types.add('integer');
  return types;
}

/** Values the property's schema refuses, or null when no refusal can be constructed safely. */
function violating(schema: TJsonSchema): fc.Arbitrary<unknown> | null {
  const types = schemaTypes(schema);
  if (types.size === 0) return null;
  const options: fc.Arbitrary<unknown>[] = [];
  const wrongTypes = ANY_TYPE.filter((v) => !types.has(JSON_TYPE(v)) && !(JSON_TYPE(v) === 'integer' && types.has('number')));
  if (wrongTypes.length) options.push(fc.constantFrom(...wrongTypes));
  const only = types.size === 1 || (types.size === 2 && types.has('integer') && types.has('number')) ? schema : null;
  if (only?.type === 'string') {
    if (only.maxLength !== undefined) {
      const max = only.maxLength;
      if (max >= 1_000_000) {
        // An upload field (the asset ledger's base64 file): one character over is already megabytes.
        options.push(fc.constant('x'.repeat(max + 1)));
      } else {
        options.push(fc.constantFrom('x', '茶', '🐄', "'").chain((c) => fc.integer({ min: 1, max: 50 }).map((n) => c.repeat(max + n))));
        options.push(fc.constant('x'.repeat(Math.max(max * 50, 100_000))));
      }
    }
    if (only.minLength && only.minLength > 0) options.push(fc.constant(''));
    if (only.enum) options.push(nastyText.filter((x) => !only.enum!.includes(x)));
    if (only.pattern) {
      const re = new RegExp(only.pattern, 'u');
      options.push(nastyText.filter((x) => !re.test(x)));
    }
    if (only.format === 'uuid') options.push(nastyText);
  }
  if (only?.type === 'integer' || only?.type === 'number') {
    if (only.type === 'integer') options.push(fc.constantFrom(1.5, -0.5, 1e-7 + 1));
    const min = typeof only.minimum === 'number' ? only.minimum : undefined;
    const exclusiveMin = only.exclusiveMinimum === true ? min : typeof only.exclusiveMinimum === 'number' ? only.exclusiveMinimum : undefined;
    if (exclusiveMin !== undefined) options.push(fc.constantFrom(exclusiveMin, exclusiveMin - 1, -1e15));
    else if (min !== undefined) options.push(fc.constantFrom(min - 1, min - 1_000_000, -1e308));
    if (typeof only.maximum === 'number') options.push(fc.constantFrom(only.maximum + 1, only.maximum * 2 + 2, 1e308, 2 ** 64));
  }
  if (only?.type === 'array') {
    if (only.maxItems !== undefined) options.push(fc.constant(Array.from({ length: only.maxItems + 1 }, () => ({}))));
    if (only.minItems && only.minItems > 0) options.push(fc.constant([]));
  }
  return options.length ? fc.oneof(...options) : null;
}

/** The body schema's branch the sample is an instance of (oneOf/anyOf), with allOf merged. */
function branchFor(schema: TJsonSchema, sample: Record<string, unknown>): { properties: Record<string, TJsonSchema>; required: string[] } {
  if (schema.allOf) {
    const parts = schema.allOf.map((b) => branchFor(b, sample));
    return { properties: Object.assign({}, ...parts.map((p) => p.properties)), required: parts.flatMap((p) => p.required) };
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const fits = branches.find(
      (b) => Object.entries(b.properties ?? {}).every(([k, p]) => !p.enum || p.enum.includes(sample[k])) && (b.required ?? []).every((k) => k in sample),
    );
    return branchFor(fits ?? branches[0]!, sample);
  }
  return { properties: schema.properties ?? {}, required: schema.required ?? [] };
}

/** Paths (key lists) of money fields anywhere in the sample: integer fen, never negative. */
function moneyPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => moneyPaths(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (/Fen$/.test(k) && typeof v === 'number' ? [[...path, k]] : moneyPaths(v, [...path, k])));
  }
  return [];
}

function setAt(obj: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let cur = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path.at(-1)!] = value;
  return copy;
}

const BAD_MONEY = fc.constantFrom<unknown>(-1, -50_000_000, Number.MIN_SAFE_INTEGER, 0.5, 100.25, 2 ** 53, 1e21, 1e308, '100', 'NaN', '-1', null, true, [], {});
/** Number literals JSON.stringify cannot write: infinite after parsing, or not JSON at all. */
const RAW_NUMBERS = fc.constantFrom(
  '1e999',
  '-1e999',
  '9'.repeat(400),
  `-${'9'.repeat(400)}`,
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1F',
  '+1',
  '.5',
  '01',
  '1_000',
);

interface TMalformed {
  label: string;
  payload?: unknown;
  raw?: string;
  contentType?: string;
}

/** Requests no route can accept: refused by the body parser whatever the route's schema. */
function parserLevel(sample: TSample): fc.Arbitrary<TMalformed> {
  const json = JSON.stringify(sample.payload ?? { any: 'thing' });
  return fc.oneof(
    fc.integer({ min: 1, max: Math.max(1, json.length - 1) }).map((cut) => ({ label: 'truncated JSON', raw: json.slice(0, cut) })),
    fc.constantFrom(
      { label: '__proto__ at top level', raw: json.replace('{', '{"__proto__":{"polluted":"yes","isAdmin":true},') },
      { label: 'constructor.prototype', raw: json.replace('{', '{"constructor":{"prototype":{"polluted":"yes"}},') },
      { label: 'nested __proto__', raw: `{"a":{"b":{"__proto__":{"polluted":"yes"}}},${json.slice(1)}` },
      { label: 'not JSON', raw: "' OR 1=1 --" },
      { label: 'XML', raw: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', contentType: 'application/xml' },
      { label: 'oversized body (> 1 MiB)', raw: JSON.stringify({ ...(sample.payload ?? {}), pad: 'x'.repeat(1_100_000) }) },
    ),
  );
}

/** Bodies the route's schema refuses: each is invalid in one chosen way. */
function invalidBodies(route: TRoute, sample: TSample): fc.Arbitrary<TMalformed> {
  const base = sample.payload ?? {};
  const { properties, required } = branchFor(route.body!, base);
  const options: fc.Arbitrary<TMalformed>[] = [
    fc.constantFrom<unknown>(null, [], [base], 'a string', 42, true, '').map((payload) => ({ label: 'not an object', raw: JSON.stringify(payload) })),
    fc.constant({ label: 'text/plain', raw: JSON.stringify(base), contentType: 'text/plain' }),
    fc.constant({ label: 'deeply nested', raw: `${'['.repeat(5000)}${']'.repeat(5000)}` }),
    parserLevel(sample),
  ];
  if (required.length) {
    options.push(
      fc.constantFrom(...required).map((k) => {
        const { [k]: _dropped, ...rest } = base;
        return { label: `missing ${k}`, payload: rest };
      }),
    );
  }
  for (const [key, schema] of Object.entries(properties)) {
    const bad = violating(schema);
    if (bad) options.push(bad.map((v) => ({ label: `${key} = ${JSON.stringify(v)?.slice(0, 60)}`, payload: { ...base, [key]: v } })));
  }
  const money = moneyPaths(base);
  if (money.length) {
    options.push(
      fc.tuple(fc.constantFrom(...money), BAD_MONEY).map(([path, v]) => ({ label: `${path.join('.')} = ${JSON.stringify(v)}`, payload: setAt(base, path, v) })),
    );
    options.push(
      fc.tuple(fc.constantFrom(...money), RAW_NUMBERS).map(([path, lit]) => {
        const marker = '"__RAW_NUMBER__"';
        return { label: `${path.join('.')} = ${lit.slice(0, 20)}`, raw: JSON.stringify(setAt(base, path, '__RAW_NUMBER__')).replace(marker, lit) };
      }),
    );
  }
  return fc.oneof(...options);
}

/** Every top-level free-text field of the sample, for text that is valid but hostile. */
function textFields(route: TRoute, sample: TSample): string[] {
  if (!route.body || !sample.payload) return [];
  const { properties } = branchFor(route.body, sample.payload);
  return Object.entries(properties)
    .filter(([k, p]) => p.type === 'string' && !p.enum && !p.pattern && !p.format && k !== 'requestId' && typeof sample.payload![k] === 'string')
    .map(([k]) => k);
}

function encodeParam(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // an unpaired surrogate has no UTF-8: send the bytes it would be
  }
}

async function send(route: TRoute, sample: TSample, input: { params?: Record<string, string>; query?: string; malformed?: TMalformed }) {
  const params = { ...sample.params, ...input.params };
  const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeParam(params[name] ?? 'x')) + (input.query ? `?${input.query}` : '');
  const m = input.malformed;
  const headers: Record<string, string> = { ...authHeader(sample.token) };
  if (m?.raw !== undefined) headers['content-type'] = m.contentType ?? 'application/json';
  const payload = m ? (m.raw ?? (m.payload as object)) : route.method === 'GET' ? undefined : sample.payload;
  return s.app.inject({ method: route.method, url, headers, payload: payload as string | object | undefined });
}

const rowCounts = () => rowCountsOf(s.prisma);

/**
 * Row counts once background writes have stopped: a project accepted by an earlier run keeps
 * writing (publicity periods, the next task) for a moment after its 201, which is not this run's doing.
 */
/**
 * Row counts once they have stopped changing for `quietMs`. An accepted decision sets off a cascade
 * (the parent's stage, a 0-day publicity timer, the next step's activation and its Task rows) whose
 * gaps can exceed 150 ms on a loaded machine, so after an accepted request the caller asks for a
 * longer quiet spell before it measures the next refusal against these counts.
 */
async function settledRowCounts(quietMs = 150): Promise<Record<string, number>> {
  let previous = await rowCounts();
  let quietSince = Date.now();
  for (let i = 0; i < 200; i += 1) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await rowCounts();
    // A stored notification cause is background work still to come (the delivery loop fans it out).
    if (JSON.stringify(next) !== JSON.stringify(previous) || next.NotificationCause! > 0) {
      previous = next;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return next;
  }
  return previous;
}

function expectRefusal(res: LightMyRequestResponse, fullLabel: string) {
  const label = fullLabel.slice(0, 200);
  expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(errorCodeOf(res), `${label}: ${res.body.slice(0, 300)}`).toBeTypeOf('string');
}

function expectNoServerError(res: LightMyRequestResponse, fullLabel: string) {
  const label = fullLabel.slice(0, 200);
  expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) expect(errorCodeOf(res), `${label}: ${res.body.slice(0, 300)}`).toBeTypeOf('string');
}

function expectPrototypeIntact() {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
}

/** Runs an invalid-input property: every run refused with a code; no row anywhere changed, after every run and overall. */
async function assertRefusedProperty<T>(
  arb: fc.Arbitrary<T>,
  numRuns: number,
  run: (input: T) => Promise<LightMyRequestResponse>,
  label: (input: T) => string,
) {
  const before = await snapshot(s.prisma);
  const counts = await rowCounts();
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const res = await run(input);
      expectRefusal(res, label(input));
      expect(await rowCounts(), label(input)).toEqual(counts);
      expectPrototypeIntact();
    }),
    { seed: SEED, numRuns, endOnFailure: true },
  );
  expect(changedTables(before, await snapshot(s.prisma))).toEqual([]);
}

beforeAll(async () => {
  s = await startTestStack();
  routes = await listRoutes(s.app);
  const started = await s.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: authHeader(s.tokens.village),
    payload: { ...sampleProposal(), requestId: newRequestId() },
  });
  expect(started.statusCode, started.body).toBe(201);
  const { projectId, taskId } = started.json() as { projectId: string; taskId: string };
  const target = await s.prisma.user.create({
    data: {
      username: 'fuzz-target',
      displayName: 'Fuzz target',
      passwordHash: await hashPassword('fuzz-password-1'),
      homeOrgUnitId: 'v-taoyuan',
      roles: { create: [{ role: 'MONITOR', orgUnitId: 'v-taoyuan' }] },
    },
    include: { roles: true },
  });
  const { record: token } = await issueTokenRecord({ prisma: s.prisma, userId: s.userIds.admin!, name: 'fuzz' });
  const admin = s.tokens.admin;
  const declared: Record<string, TSample> = {
    'POST /api/auth/login': { params: {}, payload: { username: 'township', password: DEMO_PASSWORD } },
    'POST /api/auth/password': { token: s.tokens.expert, params: {}, payload: { currentPassword: DEMO_PASSWORD, newPassword: 'another-password-1' } },
    'POST /api/tokens': { token: admin, params: {}, payload: { name: 'fuzz token', expiresInDays: 30 } },
    'DELETE /api/tokens/{id}': { token: admin, params: { id: token.id } },
    'POST /api/admin/users': {
      token: admin,
      params: {},
      payload: {
        username: 'fuzz-new',
        displayName: '新账户',
        password: 'initial-password-1',
        homeOrgUnitId: 'v-taoyuan',
        roles: [{ role: 'MONITOR', orgUnitId: 'v-taoyuan' }],
      },
    },
    'POST /api/admin/users/{id}/roles': { token: admin, params: { id: target.id }, payload: { role: 'EXPERT', orgUnitId: 'v-taoyuan' } },
    'DELETE /api/admin/users/{id}/roles/{assignmentId}': { token: admin, params: { id: target.id, assignmentId: target.roles[0]!.id } },
    'POST /api/admin/users/{id}/reset-password': { token: admin, params: { id: target.id }, payload: { newPassword: 'reset-password-1' } },
    'POST /api/admin/users/{id}/deactivate': { token: admin, params: { id: target.id } },
    'POST /api/admin/org-units': { token: admin, params: {}, payload: { name: '新村', parentId: 't-hexi' } },
    'PUT /api/admin/counties/{id}/settings': { token: admin, params: { id: 'c-qingshan' }, payload: { expectedVersion: 1, settings: DEFAULT_COUNTY_SETTINGS } },
    'POST /api/projects': { token: s.tokens.village, params: {}, payload: { ...sampleProposal(), requestId: newRequestId() } },
    'POST /api/tasks/{taskId}/decision': {
      token: s.tokens.township,
      params: { taskId },
      payload: { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId: newRequestId() },
    },
  };
  // Other routes (GET, or added later): an administrator, and the fixtures' ids where the names fit.
  for (const route of routes) {
    samples.set(
      route.key,
      declared[route.key] ?? {
        token: route.path.includes('/tasks') ? s.tokens.township : admin,
        params: Object.fromEntries(route.params.map((p) => [p, p === 'taskId' ? taskId : route.path.includes('/projects/') ? projectId : target.id])),
        payload: route.body ? {} : undefined,
      },
    );
  }
  // The fixtures' background (their cascades, the notification fan-out of their tasks) settles before any property measures.
  await settledRowCounts();
});

afterAll(async () => {
  await s?.close();
});

describe('bad input to every route', () => {
  it('finds the documented routes', () => {
    expect(routes.length).toBeGreaterThan(15);
  });

  it('refuses malformed, wrong-typed, oversized, negative-money and huge-number bodies with a 4xx and a code, changing nothing', async () => {
    for (const route of routes.filter((r) => r.body)) {
      const sample = samples.get(route.key)!;
      await assertRefusedProperty(
        invalidBodies(route, sample),
        RUNS.body,
        (m) => send(route, sample, { malformed: m }),
        (m) => `${route.key} [${m.label}]`,
      );
    }
    // Every route, one after the other: longer than the default 60 s on a loaded machine.
  }, 240_000);

  it('refuses unparseable bodies on routes without a body schema with a 4xx, changing nothing', async () => {
    for (const route of routes.filter((r) => !r.body && r.method !== 'GET')) {
      const sample = samples.get(route.key)!;
      await assertRefusedProperty(
        parserLevel(sample),
        RUNS.body / 2,
        (m) => send(route, sample, { malformed: m }),
        (m) => `${route.key} [${m.label}]`,
      );
    }
  });

  it('refuses text with NUL bytes or unpaired surrogates in any field with 400, changing nothing', async () => {
    const bad = fc.tuple(nastyText, fc.constantFrom('\u0000', '\uD800', '\uDFFF', 'a\u0000b'), nastyText).map(([a, b, c]) => `${a}${b}${c}`);
    for (const route of routes.filter((r) => r.body || r.params.length)) {
      const sample = samples.get(route.key)!;
      const fields = [...textFields(route, sample).map((f) => ['body', f] as const), ...route.params.map((p) => ['params', p] as const)];
      if (!fields.length) continue;
      await assertRefusedProperty(
        fc.tuple(fc.constantFrom(...fields), bad),
        RUNS.unstorable,
        ([[part, field], v]) =>
          part === 'body'
            ? send(route, sample, { malformed: { label: field, payload: { ...sample.payload, [field]: v } } })
            : send(route, sample, { params: { [field]: v } }),
        ([[part, field], v]) => `${route.key} ${part}.${field} = ${JSON.stringify(v)}`,
      );
    }
    // Every route, one after the other: longer than the default 60 s on a loaded machine.
  }, 240_000);

  it('refuses unknown, injection-shaped, unicode and oversized path parameters with a 4xx, changing nothing', async () => {
    const param = fc.oneof(
      nastyText,
      fc.string({ unit: 'binary', minLength: 1, maxLength: 400 }),
      fc.constantFrom('.', '..', '/', '%2F', '00000000-0000-0000-0000-000000000000', 'x'.repeat(5000)),
    );
    for (const route of routes.filter((r) => r.params.length)) {
      const sample = samples.get(route.key)!;
      await assertRefusedProperty(
        fc.tuple(fc.constantFrom(...route.params), param).filter(([name, v]) => v !== sample.params[name]),
        RUNS.params,
        ([name, v]) => send(route, sample, { params: { [name]: v } }),
        ([name, v]) => `${route.key} params.${name} = ${JSON.stringify(v).slice(0, 80)}`,
      );
    }
    // Every route with a path parameter, one after the other: longer than the default 60 s on a loaded machine.
  }, 240_000);

  it('never answers hostile query strings with a 5xx, and reading changes nothing', async () => {
    const value = fc.oneof(
      nastyText,
      fc.constantFrom('NaN', '-1', '0', '1.5', '1e309', '-1e309', '9'.repeat(40), '0x10', '', '%', '%E0%A4%A', 'true&true', '[]', '{}'),
    );
    for (const route of routes.filter((r) => r.query.length)) {
      const sample = samples.get(route.key)!;
      const before = await snapshot(s.prisma);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...route.query.map((q) => q.name)), value, fc.boolean(), async (name, v, repeated) => {
          const encoded = /^%/.test(v) ? v : encodeParam(v);
          const query = repeated ? `${name}=${encoded}&${name}=${encoded}` : `${name}=${encoded}`;
          expectNoServerError(await send(route, sample, { query }), `${route.key}?${query}`);
        }),
        { seed: SEED, numRuns: RUNS.query, endOnFailure: true },
      );
      if (route.method === 'GET') expect(changedTables(before, await snapshot(s.prisma)), route.key).toEqual([]);
    }
  });

  it('accepts or refuses (never 5xx) hostile but valid free text, and stores what it accepts verbatim', async () => {
    for (const route of routes.filter((r) => r.body && r.method !== 'GET' && r.key !== 'POST /api/auth/login')) {
      const sample = samples.get(route.key)!;
      const fields = textFields(route, sample);
      if (!fields.length) continue;
      let accepted = true;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), nastyText, async (field, v) => {
          // Fresh request ids and usernames, so runs do not collide with each other.
          const payload = {
            ...sample.payload,
            [field]: v,
            ...('requestId' in sample.payload! ? { requestId: newRequestId() } : {}),
            ...('username' in sample.payload! ? { username: `fuzz-${Math.random().toString(36).slice(2, 10)}` } : {}),
          };
          // A wrong current password is a failed sign-in attempt, recorded by design for the rate limit.
          const { FailedLogin: _f, ...counts } = await settledRowCounts(accepted ? 1000 : 150);
          const res = await send(route, sample, { malformed: { label: field, payload } });
          accepted = res.statusCode < 400;
          expectNoServerError(res, `${route.key} ${field} = ${JSON.stringify(v)}`);
          if (res.statusCode >= 400) {
            const { FailedLogin: _g, ...after } = await rowCounts();
            expect(after).toEqual(counts);
          }
          if (route.key === 'POST /api/tokens' && res.statusCode === 201) {
            const row = await s.prisma.apiToken.findUniqueOrThrow({ where: { id: res.json().id } });
            expect(row.name).toBe(v.trim());
          }
        }),
        { seed: SEED, numRuns: SLOW_ROUTES.has(route.key) ? RUNS.textSlow : RUNS.text, endOnFailure: true },
      );
    }
    // Every accepted request is followed by a quiet spell before the next measurement (above).
  }, 300_000);
});
