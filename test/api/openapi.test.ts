import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';

/** The OpenAPI document names, for every route, what success looks like and the stable error shape. */
let s: TTestStack;
let doc: { paths: Record<string, Record<string, { responses?: Record<string, { content?: { 'application/json'?: { schema?: Record<string, unknown> } } }> }>> };

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  const res = await s.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await s?.close();
});

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
const htmlSchemaOf = (op: { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }, status: string) =>
  op.responses?.[status]?.content?.['text/html']?.schema ??
  op.responses?.[status]?.content?.['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']?.schema ??
  op.responses?.[status]?.content?.['text/csv']?.schema;
/** A file route (GET /api/attachments/:id) documents its bytes under each type it serves, as binary strings. */
const binarySchemaOf = (op: { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }, status: string) =>
  Object.values(op.responses?.[status]?.content ?? {}).find((c) => c.schema?.format === 'binary')?.schema;
const schemaOf = (op: { responses?: Record<string, { content?: { 'application/json'?: { schema?: Record<string, unknown> } } }> }, status: string) =>
  op.responses?.[status]?.content?.['application/json']?.schema;

describe('/api/openapi.json', () => {
  it('documents a 2xx response schema and the error schema (4XX, 5XX) on every route', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { path, method, op } of ops) {
      const statuses = Object.keys(op.responses ?? {});
      const success = statuses.filter((st) => /^2/.test(st));
      expect(success.length, `${method} ${path}: no 2xx response`).toBeGreaterThan(0);
      // A 204 has no body to describe; every other success documents its body.
      if (!success.every((st) => st === '204'))
        expect(
          success.some((st) => schemaOf(op, st) ?? htmlSchemaOf(op, st) ?? binarySchemaOf(op, st)),
          `${method} ${path}: 2xx without a schema`,
        ).toBe(true);
      else expect(op.responses?.['204']?.content, `${method} ${path}: 204 with a body`).toBeUndefined();
      // No route is left with the placeholder ("described in the summary") instead of its body.
      for (const st of success)
        expect(String((schemaOf(op, st)?.description as string | undefined) ?? ''), `${method} ${path} ${st}`).not.toMatch(/described in the summary/);
      for (const st of ['4XX', '5XX']) {
        const error = schemaOf(op, st) as { properties?: { error?: { properties?: Record<string, unknown>; required?: string[] } } } | undefined;
        expect(Object.keys(error?.properties?.error?.properties ?? {}), `${method} ${path} ${st}`).toEqual(['code', 'message', 'details']);
        expect(error?.properties?.error?.required, `${method} ${path} ${st}`).toEqual(['code', 'message', 'details']);
      }
    }
  });

  it("documents the list routes' page envelope and their items", async () => {
    for (const path of ['/api/projects', '/api/admin/users', '/api/tokens', '/api/tasks', '/api/reviews', '/api/review-eligibilities']) {
      const schema = schemaOf(doc.paths[path]!.get!, '200') as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
      expect(Object.keys(schema.properties), path).toEqual(['items', 'total', 'page', 'pageSize']);
      expect(Object.keys(schema.properties.items!.items!.properties ?? {}).length, path).toBeGreaterThan(3);
    }
    const params = (doc.paths['/api/projects']!.get as unknown as { parameters: Array<{ name: string }> }).parameters.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['page', 'pageSize', 'stage', 'orgUnitId', 'industry', 'year', 'grade', 'riskFlag', 'q']));
  });

  it('documents the success body field by field on the accounts, project, admin, audit, task, review and dashboard routes', async () => {
    const declared: Array<[string, string, string, string[]]> = [
      ['post', '/api/auth/login', '200', ['token', 'expiresAt', 'user']],
      ['post', '/api/auth/logout', '200', ['revoked']],
      ['post', '/api/auth/password', '200', ['ok', 'otherSignInsRevoked']],
      ['get', '/api/me', '200', ['userId', 'roles', 'temporalUiUrl']],
      ['post', '/api/projects', '201', ['projectId', 'workflowId', 'stage', 'taskId']],
      ['get', '/api/projects/{id}', '200', ['id', 'stage', 'budgetFen', 'tasks', 'decisions', 'temporalUiUrl', 'history']],
      ['post', '/api/projects/{id}/objections', '201', ['objectionId', 'publicityId']],
      ['post', '/api/projects/{id}/funding', '201', ['fiscalYear', 'amountFen', 'stageAfter']],
      ['post', '/api/projects/{id}/actions', '201', ['type', 'stageBefore', 'stageAfter', 'recordId']],
      ['get', '/api/projects/{id}/records', '200', ['money', 'reports', 'payments', 'acceptances', 'assets', 'income', 'evaluations', 'rectifications']],
      ['post', '/api/admin/users', '201', ['id', 'username', 'roles']],
      ['post', '/api/admin/users/{id}/roles', '201', ['id', 'role', 'orgUnitId']],
      ['post', '/api/admin/users/{id}/reset-password', '200', ['signInsRevoked']],
      ['post', '/api/admin/users/{id}/deactivate', '200', ['id', 'active', 'deactivatedAt']],
      ['get', '/api/admin/org-units', '200', ['items']],
      ['post', '/api/admin/org-units', '201', ['id', 'level', 'parentId', 'path']],
      ['get', '/api/admin/counties/{id}/settings', '200', ['countyId', 'source', 'version', 'settings', 'defaults', 'updatedAt', 'updatedBy']],
      ['put', '/api/admin/counties/{id}/settings', '200', ['countyId', 'source', 'version', 'settings', 'updatedBy']],
      ['get', '/api/audit/verify', '200', ['ok', 'rows', 'counts', 'firstBreak', 'breaks', 'head']],
      ['get', '/api/web/tasks/{taskId}', '200', ['id', 'kind', 'status', 'overdue', 'project', 'actions', 'stepDueAt']],
      ['get', '/api/dashboard/grades-by-year', '200', ['items']],
      ['get', '/api/tasks', '200', ['items', 'total', 'page', 'pageSize']],
      [
        'post',
        '/api/tasks/{taskId}/decision',
        '200',
        ['requestId', 'taskId', 'action', 'stageBefore', 'stageAfter', 'nextTaskId', 'phaseAfter', 'openTaskIds', 'replayed'],
      ],
      ['post', '/api/reviews', '201', ['requestId', 'caseId', 'type', 'seq', 'stageBefore', 'stageAfter', 'outcome', 'workflowId']],
      ['post', '/api/reviews/{id}/actions', '200', ['requestId', 'caseId', 'type', 'seq', 'stageAfter', 'outcome']],
      ['get', '/api/reviews/opening-options', '200', ['project', 'county', 'officials', 'bodyCandidates']],
      ['get', '/api/reviews', '200', ['items', 'total', 'page', 'pageSize']],
      ['get', '/api/reviews/{id}', '200', ['case', 'actions', 'measures', 'live', 'mayAct']],
      ['post', '/api/reviews/{id}/measures/{measureId}/complete', '200', ['measureId', 'taskId', 'status', 'completedAt', 'completedBy', 'overdue']],
      ['get', '/api/review-eligibilities', '200', ['items', 'total', 'page', 'pageSize']],
      ['get', '/api/officials/{userId}/record', '200', ['official', 'reviews', 'honours']],
      ['post', '/api/officials/{userId}/honours', '201', ['id', 'officialId', 'projectId', 'title', 'awardedAt']],
    ];
    for (const [method, path, status, fields] of declared) {
      const schema = schemaOf(doc.paths[path]![method]!, status) as { properties?: Record<string, unknown> } | undefined;
      expect(Object.keys(schema?.properties ?? {}), `${method} ${path} ${status}`).toEqual(expect.arrayContaining(fields));
    }
    const notice = doc.paths['/api/reviews/{id}/notice']!.get! as unknown as { responses: Record<string, { content?: Record<string, unknown> }> };
    expect(Object.keys(notice.responses['200']?.content ?? {})).toEqual(['text/html']);
  });

  it('answers errors in the documented shape through the declared schema', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/projects?year=1999', headers: { authorization: `Bearer ${s.tokens.leader}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: [{ path: 'querystring.year', message: expect.any(String) }] },
    });
    const anonymous = await s.app.inject({ method: 'GET', url: '/api/tokens' });
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
  });
});
