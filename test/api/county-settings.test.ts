import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password';
import { issueToken } from '../../src/auth/tokens';
import { DEFAULT_COUNTY_SETTINGS, type TCountySettings } from '../../src/domain/policies/settings';
import type { TProjectLifecycleInput } from '../../workflows/messages/project';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/**
 * County settings administration (issue #6): read and replace a county's settings, with version
 * checks and an audit event per change; projects started afterwards carry the new values.
 */

let s: TTestStack;
/** Tokens of accounts made for this file: a township administrator and another county's administrator. */
const extra: Record<'hexiAdmin' | 'otherAdmin', string> = { hexiAdmin: '', otherAdmin: '' };

const URL = (id: string) => `/api/admin/counties/${encodeURIComponent(id)}/settings`;
const call = (method: 'GET' | 'PUT', url: string, token?: string, payload?: unknown) =>
  s.app.inject({ method, url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
const tokenOf = (name: string) => s.tokens[name] ?? extra[name as keyof typeof extra];

type TAnswer = {
  countyId: string;
  source: string;
  version: number;
  settings: TCountySettings;
  defaults: TCountySettings;
  updatedAt: string | null;
  updatedBy: { id: string; displayName: string } | null;
  publicityOverride: unknown;
};

/** A copy of the settings with one change made by `edit`. */
function edited(base: TCountySettings, edit: (x: TCountySettings) => void): TCountySettings {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

/** The row and the audit log as they stand, to show that a refusal changed neither. */
async function state() {
  const rows = await s.prisma.countySettings.findMany({ orderBy: { countyId: 'asc' } });
  const audit = await s.prisma.auditEvent.count();
  return { rows: rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })), audit };
}

async function current(countyId = 'c-qingshan'): Promise<TAnswer> {
  const res = await call('GET', URL(countyId), s.tokens.admin);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  s = await startTestStack();
  await s.prisma.orgUnit.createMany({
    data: [
      { id: 'c-other', name: '远山县', level: 'COUNTY', parentId: null, path: '/c-other/' },
      { id: 't-other', name: '远山镇', level: 'TOWNSHIP', parentId: 'c-other', path: '/c-other/t-other/' },
    ],
  });
  const passwordHash = await hashPassword('fixture-password-1');
  const hexi = await s.prisma.user.create({
    data: {
      username: 'hexi-admin',
      displayName: '河西镇管理员',
      passwordHash,
      homeOrgUnitId: 't-hexi',
      roles: { create: [{ role: 'ADMIN', orgUnitId: 't-hexi' }] },
    },
  });
  const other = await s.prisma.user.create({
    data: {
      username: 'other-admin',
      displayName: '远山县管理员',
      passwordHash,
      homeOrgUnitId: 'c-other',
      roles: { create: [{ role: 'ADMIN', orgUnitId: 'c-other' }] },
    },
  });
  extra.hexiAdmin = await issueToken(s.prisma, hexi.id, 'test');
  extra.otherAdmin = await issueToken(s.prisma, other.id, 'test');
});

afterAll(async () => {
  await s?.close();
});

describe('GET /api/admin/counties/:id/settings', () => {
  it('answers the seeded county its saved settings (the defaults), version 1, seeded by nobody', async () => {
    const got = await current();
    expect(got).toMatchObject({ countyId: 'c-qingshan', source: 'COUNTY', version: 1, updatedBy: null });
    expect(got.settings).toEqual(DEFAULT_COUNTY_SETTINGS);
    expect(got.defaults).toEqual(DEFAULT_COUNTY_SETTINGS);
    // The test stack skips publicity periods for every county; the answer says so.
    expect(got.publicityOverride).toEqual({ villageDays: 0, townshipDays: 0, acceptanceDays: 0 });
  });

  it('answers a county without a row with the configured defaults, source DEFAULT, version 0', async () => {
    const res = await call('GET', URL('c-other'), extra.otherAdmin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      countyId: 'c-other',
      source: 'DEFAULT',
      version: 0,
      updatedAt: null,
      updatedBy: null,
      settings: DEFAULT_COUNTY_SETTINGS,
    });
  });

  it('lets a monitor of the county read, and refuses other roles, other counties, non-counties and anonymous callers', async () => {
    expect((await call('GET', URL('c-qingshan'), s.tokens.monitor)).statusCode).toBe(200);
    const cases: Array<[string, string | undefined, number, string]> = [
      ['c-qingshan', undefined, 401, 'UNAUTHENTICATED'],
      ['c-qingshan', s.tokens.village, 403, 'ROLE_NOT_ALLOWED'],
      ['c-qingshan', s.tokens.finance, 403, 'ROLE_NOT_ALLOWED'],
      ['c-qingshan', extra.hexiAdmin, 403, 'OUT_OF_SCOPE'],
      ['c-other', s.tokens.monitor, 403, 'OUT_OF_SCOPE'],
      ['t-hexi', s.tokens.admin, 404, 'NOT_FOUND'],
      ['c-nowhere', s.tokens.admin, 404, 'NOT_FOUND'],
    ];
    const seen = [];
    for (const [id, token, ,] of cases) {
      const res = await call('GET', URL(id), token);
      seen.push([id, token, res.statusCode, res.json().error?.code]);
    }
    expect(seen).toEqual(cases);
  });
});

describe('PUT /api/admin/counties/:id/settings', () => {
  it('saves a change, bumps the version, names the editor, and audits the changed fields with before and after', async () => {
    const before = await current();
    const auditFrom = (await s.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const settings = edited(before.settings, (x) => {
      x.publicity.villageDays = 12;
      x.acceptance.maxReinspections = 5;
    });
    const res = await call('PUT', URL('c-qingshan'), s.tokens.admin, { expectedVersion: before.version, settings });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json() as TAnswer;
    expect(saved).toMatchObject({ source: 'COUNTY', version: before.version + 1, updatedBy: { id: s.userIds.admin } });
    expect(saved.settings.publicity.villageDays).toBe(12);
    expect(saved.updatedAt).toBeTypeOf('string');
    // A later read (another request) sees the same.
    expect(await current()).toMatchObject({ version: before.version + 1, settings: { publicity: { villageDays: 12 }, acceptance: { maxReinspections: 5 } } });

    const events = await s.prisma.auditEvent.findMany({ where: { id: { gt: auditFrom } } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'COUNTY_SETTINGS_CHANGED',
      entityType: 'OrgUnit',
      entityId: 'c-qingshan',
      actorId: s.userIds.admin,
      role: 'ADMIN',
      orgUnitId: 'c-qingshan',
    });
    expect(events[0]!.details).toEqual({
      fromVersion: before.version,
      toVersion: before.version + 1,
      sourceBefore: 'COUNTY',
      changes: [
        { path: 'publicity.villageDays', before: 10, after: 12 },
        { path: 'acceptance.maxReinspections', before: 3, after: 5 },
      ],
    });
  });

  it('audits a date taken out of the working-day calendar as one change of that list', async () => {
    const before = await current();
    const auditFrom = (await s.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const holidays2025 = before.settings.workingDays.calendar['2025']!.holidays;
    const settings = edited(before.settings, (x) => {
      x.workingDays.calendar['2025']!.holidays = holidays2025.filter((d) => d !== '2025-01-01');
    });
    const res = await call('PUT', URL('c-qingshan'), s.tokens.admin, { expectedVersion: before.version, settings });
    expect(res.statusCode, res.body).toBe(200);
    const [event] = await s.prisma.auditEvent.findMany({ where: { id: { gt: auditFrom } } });
    expect((event!.details as { changes: unknown }).changes).toEqual([
      { path: 'workingDays.calendar.2025.holidays', before: holidays2025, after: holidays2025.slice(1) },
    ]);
  });

  it('refuses out-of-range, cross-field and misspelt values with 400 VALIDATION_FAILED naming each field, changing nothing', async () => {
    const base = (await current()).settings;
    const cases: Array<[TCountySettings | Record<string, unknown>, string]> = [
      [
        edited(base, (x) => {
          x.publicity.villageDays = 0;
        }),
        'body.settings.publicity.villageDays',
      ],
      [
        edited(base, (x) => {
          x.budget.overspendToleranceBp = 10_001;
        }),
        'body.settings.budget.overspendToleranceBp',
      ],
      [
        edited(base, (x) => {
          x.evaluation.weights.output = 60;
        }),
        'body.settings.evaluation.weights',
      ],
      [
        edited(base, (x) => {
          x.disbursement.startShareBp = 6000;
        }),
        'body.settings.disbursement.substantialCompletionShareBp',
      ],
      [{ ...base, publicity: { ...base.publicity, villageDay: 12 } }, 'body.settings.publicity'],
      // 2025-10-01 both a holiday (国庆) and an adjusted workday; a 2026 date filed under 2025.
      [
        edited(base, (x) => {
          x.workingDays.calendar['2025']!.adjustedWorkdays = ['2025-10-01'];
        }),
        'body.settings.workingDays.calendar.2025.adjustedWorkdays.0',
      ],
      [
        edited(base, (x) => {
          x.workingDays.calendar['2025']!.holidays = ['2026-01-01'];
        }),
        'body.settings.workingDays.calendar.2025.holidays.0',
      ],
    ];
    const version = (await current()).version;
    const was = await state();
    for (const [settings, path] of cases) {
      const res = await call('PUT', URL('c-qingshan'), s.tokens.admin, { expectedVersion: version, settings });
      expect(res.statusCode, res.body).toBe(400);
      const { error } = res.json() as { error: { code: string; details: Array<{ path: string }> } };
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(
        error.details.map((d) => d.path),
        JSON.stringify(error.details),
      ).toContain(path);
    }
    const missingVersion = await call('PUT', URL('c-qingshan'), s.tokens.admin, { settings: base });
    expect(missingVersion.statusCode).toBe(400);
    expect(missingVersion.json().error.details.map((d: { path: string }) => d.path)).toContain('body.expectedVersion');
    expect(await state()).toEqual(was);
  });

  it('refuses anonymous callers, other roles, administrators of elsewhere, and non-counties, changing nothing', async () => {
    const { version, settings } = await current();
    const body = {
      expectedVersion: version,
      settings: edited(settings, (x) => {
        x.income.minDividendRateBp = 900;
      }),
    };
    const cases: Array<[string, string | undefined, number, string]> = [
      ['c-qingshan', undefined, 401, 'UNAUTHENTICATED'],
      ['c-qingshan', 'monitor', 403, 'ROLE_NOT_ALLOWED'],
      ['c-qingshan', 'agri', 403, 'ROLE_NOT_ALLOWED'],
      ['c-qingshan', 'village', 403, 'ROLE_NOT_ALLOWED'],
      ['c-qingshan', 'hexiAdmin', 403, 'OUT_OF_SCOPE'],
      ['c-qingshan', 'otherAdmin', 403, 'OUT_OF_SCOPE'],
      ['c-other', 'admin', 403, 'OUT_OF_SCOPE'],
      ['t-hexi', 'admin', 404, 'NOT_FOUND'],
      ['c-nowhere', 'admin', 404, 'NOT_FOUND'],
    ];
    const was = await state();
    const seen = [];
    for (const [id, who] of cases) {
      const res = await call('PUT', URL(id), who ? tokenOf(who) : undefined, body);
      seen.push([id, who, res.statusCode, res.json().error?.code]);
    }
    expect(seen).toEqual(cases);
    expect(await state()).toEqual(was);
  });

  it('refuses a write naming a stale version with 409 VERSION_CONFLICT, changing nothing', async () => {
    const { version, settings } = await current();
    const ok = await call('PUT', URL('c-qingshan'), s.tokens.admin, {
      expectedVersion: version,
      settings: edited(settings, (x) => {
        x.faultTolerance.appealWindowDays = 20;
      }),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const was = await state();
    // A second editor who read the same version.
    const stale = await call('PUT', URL('c-qingshan'), s.tokens.admin, {
      expectedVersion: version,
      settings: edited(settings, (x) => {
        x.faultTolerance.appealWindowDays = 25;
      }),
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', details: [{ path: 'body.expectedVersion' }] });
    expect(await state()).toEqual(was);
    expect((await current()).settings.faultTolerance.appealWindowDays).toBe(20);
  });

  it('lets exactly one of two simultaneous writes of the same version win', async () => {
    const { version, settings } = await current();
    const [a, b] = await Promise.all(
      [14, 16].map((days) =>
        call('PUT', URL('c-qingshan'), s.tokens.admin, {
          expectedVersion: version,
          settings: edited(settings, (x) => {
            x.publicity.townshipDays = days;
          }),
        }),
      ),
    );
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
    const after = await current();
    expect(after.version).toBe(version + 1);
    expect(after.settings.publicity.townshipDays).toBe(a!.statusCode === 200 ? 14 : 16);
  });

  it("saves a county's first settings over the defaults with expectedVersion 0, once", async () => {
    const settings = edited(DEFAULT_COUNTY_SETTINGS, (x) => {
      x.budget.overspendToleranceBp = 500;
    });
    const first = await call('PUT', URL('c-other'), extra.otherAdmin, { expectedVersion: 0, settings });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ source: 'COUNTY', version: 1, settings: { budget: { overspendToleranceBp: 500 } } });
    const event = await s.prisma.auditEvent.findFirst({ where: { action: 'COUNTY_SETTINGS_CHANGED', entityId: 'c-other' } });
    expect(event?.details).toMatchObject({
      fromVersion: 0,
      toVersion: 1,
      sourceBefore: 'DEFAULT',
      changes: [{ path: 'budget.overspendToleranceBp', before: 1000, after: 500 }],
    });
    const again = await call('PUT', URL('c-other'), extra.otherAdmin, { expectedVersion: 0, settings });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('VERSION_CONFLICT');
  });
});

describe('projects start under the settings saved for their county', () => {
  async function startedInput(): Promise<TProjectLifecycleInput> {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { authorization: `Bearer ${s.tokens.village}` },
      payload: { ...sampleProposal(), requestId: newRequestId() },
    });
    expect(res.statusCode, res.body).toBe(201);
    const history = await s.client.workflow.getHandle(res.json().workflowId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return JSON.parse(Buffer.from(payload!.data!).toString('utf8'));
  }

  it('a project started after a change carries the new values; one started before keeps the old', async () => {
    const { version, settings } = await current();
    const earlier = await startedInput();
    const res = await call('PUT', URL('c-qingshan'), s.tokens.admin, {
      expectedVersion: version,
      settings: edited(settings, (x) => {
        x.acceptance.maxReinspections = 7;
        x.publicity.acceptanceDays = 9;
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const later = await startedInput();
    expect(later.settings).toEqual(res.json().settings);
    expect(later.settings?.acceptance?.maxReinspections).toBe(7);
    expect(later.settings?.publicity?.acceptanceDays).toBe(9);
    // The deployment's override (0 days in tests) still beats the county's periods.
    expect(later.publicity).toEqual({ villageDays: 0, townshipDays: 0, acceptanceDays: 0 });
    // The workflow keeps what it started with: the earlier project's input is unchanged.
    expect(earlier.settings?.acceptance?.maxReinspections).toBe(settings.acceptance.maxReinspections);
    expect(earlier.settings?.acceptance?.maxReinspections).not.toBe(7);
  });
});
