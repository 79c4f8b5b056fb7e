import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/domain/errors';
import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';
import { prefersChinese } from '../../src/http/localized-validation';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * Validation messages in the web's language (issue #6: zh-CN by default). The web app sends
 * `Accept-Language: zh-CN`; the same refusal then names the same fields with Chinese messages
 * about the actual values, and a caller without the header (CLI, scripts) keeps English.
 */

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const SETTINGS_URL = '/api/admin/counties/c-qingshan/settings';
type TDetail = { path: string; message: string };
const byPath = (details: TDetail[]) => Object.fromEntries(details.map((d) => [d.path, d.message]));

async function putSettings(language?: string) {
  const settings = structuredClone(DEFAULT_COUNTY_SETTINGS);
  settings.publicity.villageDays = 0;
  settings.evaluation.weights.output = settings.evaluation.weights.output + 10;
  const headers: Record<string, string> = { authorization: `Bearer ${s.tokens.admin}` };
  if (language) headers['accept-language'] = language;
  return s.app.inject({ method: 'PUT', url: SETTINGS_URL, headers, payload: { settings, expectedVersion: 0 } });
}

describe('validation messages in the caller language', () => {
  it('answers a refused settings form in Chinese for zh-CN, in English without the header, changing nothing', async () => {
    const before = { rows: await s.prisma.countySettings.count({ where: { countyId: 'c-qingshan' } }), audit: await s.prisma.auditEvent.count() };
    const zh = await putSettings('zh-CN,zh;q=0.9,en;q=0.8');
    const en = await putSettings();
    expect([zh.statusCode, zh.json().error.code, en.statusCode, en.json().error.code]).toEqual([400, 'VALIDATION_FAILED', 400, 'VALIDATION_FAILED']);
    const total =
      DEFAULT_COUNTY_SETTINGS.evaluation.weights.output +
      10 +
      DEFAULT_COUNTY_SETTINGS.evaluation.weights.benefit +
      DEFAULT_COUNTY_SETTINGS.evaluation.weights.satisfaction +
      DEFAULT_COUNTY_SETTINGS.evaluation.weights.budgetExecution;
    // The same fields either way; only the words differ.
    expect(Object.keys(byPath(zh.json().error.details)).sort()).toEqual(Object.keys(byPath(en.json().error.details)).sort());
    expect(byPath(zh.json().error.details)).toMatchObject({
      'body.settings.publicity.villageDays': '不能小于 1',
      'body.settings.evaluation.weights': `绩效评价权重之和须为 100，现为 ${total}`,
    });
    expect(byPath(en.json().error.details)).toMatchObject({
      'body.settings.publicity.villageDays': expect.stringMatching(/>=\s*1/),
      'body.settings.evaluation.weights': `evaluation weights must sum to 100, got ${total}`,
    });
    expect(zh.json().error.message).toBe('提交的内容有误，请按提示修改');
    expect({ rows: await s.prisma.countySettings.count({ where: { countyId: 'c-qingshan' } }), audit: await s.prisma.auditEvent.count() }).toEqual(before);
  });

  it('says what is missing, too long, of the wrong type or out of range, on bodies and query strings', async () => {
    const headers = { authorization: `Bearer ${s.tokens.village}`, 'accept-language': 'zh-CN' };
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers,
      payload: { requestId: 'r-localized-1', budgetFen: -5, name: 'x'.repeat(500), industry: 7 },
    });
    expect(res.statusCode, res.body).toBe(400);
    const details = byPath(res.json().error.details);
    expect(details['body.budgetFen']).toBe('须大于 0');
    expect(details['body.name']).toMatch(/^最多 \d+ 个字符$/);
    expect(details['body.industry']).toBe('应为文本');
    expect(Object.values(details)).toContain('必填');
    expect(await s.prisma.project.count({ where: { name: 'x'.repeat(500) } })).toBe(0);

    const query = await s.app.inject({ method: 'GET', url: '/api/tasks?pageSize=500', headers });
    expect([query.statusCode, byPath(query.json().error.details)['querystring.pageSize']]).toEqual([400, '不能大于 200']);
  });

  it('the web app has words in both languages for every error code the API can answer', () => {
    // Either quote: Prettier picks double quotes for a text with an apostrophe in it.
    const dictionary = fs.readFileSync(new URL('../../src/web/public/i18n.js', import.meta.url), 'utf8');
    const block = dictionary.slice(dictionary.indexOf('const ERROR_TEXTS'), dictionary.indexOf('mergeMissing(DICT.en, ERROR_TEXTS.en)'));
    const missing = Object.keys(ERROR_STATUS).filter((code) => block.split(new RegExp(`\\b${code}: ['"]`)).length !== 3);
    expect(missing).toEqual([]);
  });

  it('takes the first language the caller names', () => {
    expect([
      prefersChinese('zh-CN'),
      prefersChinese('zh'),
      prefersChinese('zh-TW,en'),
      prefersChinese('en-US,zh;q=0.9'),
      prefersChinese(undefined),
      prefersChinese(''),
    ]).toEqual([true, true, true, false, false, false]);
  });
});
