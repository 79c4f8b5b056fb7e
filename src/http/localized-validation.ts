/**
 * Validation messages in the caller's language. The API speaks English by default (scripts, the
 * CLI); the web app asks for Chinese (`Accept-Language: zh-CN`, its default), and its forms put
 * each detail's message beside the field. Zod's checks are run again on the refused input with a
 * Chinese error map, so each message is about the actual value; a custom rule carries its Chinese
 * text in `params.zh` (see `ZCountySettings`), and one without it keeps its English message.
 */
import type { FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type TErrorDetail } from '../domain/errors';

/** Whether the caller's first-choice language is Chinese. */
export function prefersChinese(acceptLanguage: string | undefined): boolean {
  return (acceptLanguage?.split(',')[0] ?? '').trim().toLowerCase().startsWith('zh');
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是或否',
  object: '一组字段',
  array: '列表',
  date: '日期',
  null: '空值',
};
const zhLocale = z.locales.zhCN();

/** Plain words for the checks a form trips most; Zod's own zh-CN locale for the rest. */
export function zhIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const i = issue as z.core.$ZodRawIssue & Record<string, unknown>;
  const sized = i.origin === 'string' ? '个字符' : i.origin === 'array' || i.origin === 'set' ? '项' : undefined;
  switch (issue.code) {
    case 'invalid_type':
      return i.input === undefined ? '必填' : `应为${TYPE_NAMES[String(i.expected)] ?? String(i.expected)}`;
    case 'too_small':
      if (i.origin === 'string' && Number(i.minimum) === 1) return '不能为空';
      if (sized) return `至少 ${String(i.minimum)} ${sized}`;
      return i.inclusive ? `不能小于 ${String(i.minimum)}` : `须大于 ${String(i.minimum)}`;
    case 'too_big':
      if (sized) return `最多 ${String(i.maximum)} ${sized}`;
      return i.inclusive ? `不能大于 ${String(i.maximum)}` : `须小于 ${String(i.maximum)}`;
    case 'not_multiple_of':
      return `须为 ${String(i.divisor)} 的倍数`;
    case 'invalid_value':
      return `应为以下之一：${(i.values as unknown[]).map(String).join('、')}`;
    case 'unrecognized_keys':
      return `不认识的字段：${(i.keys as string[]).join('、')}`;
    case 'invalid_format':
    case 'invalid_union':
      return '格式不正确';
    default: {
      const fallback = zhLocale.localeError(issue);
      return typeof fallback === 'string' ? fallback : fallback?.message;
    }
  }
}

type TPart = 'body' | 'querystring' | 'params' | 'headers';

/**
 * A request refused by its route's Zod schema, with Chinese messages, when the caller prefers
 * Chinese; undefined otherwise (the English error stands).
 */
export function localizedValidationError(err: unknown, req: FastifyRequest): AppError | undefined {
  if (!hasZodFastifySchemaValidationErrors(err) || !prefersChinese(req.headers['accept-language'])) return undefined;
  const part = (err.validationContext ?? 'body') as TPart;
  const schema = (req.routeOptions.schema as Partial<Record<TPart, unknown>> | undefined)?.[part];
  if (!(schema instanceof z.ZodType)) return undefined;
  const input = part === 'querystring' ? req.query : part === 'params' ? req.params : part === 'headers' ? req.headers : req.body;
  const result = schema.safeParse(input, { error: zhIssueMessage });
  if (result.success) return undefined;
  const details: TErrorDetail[] = result.error.issues.map((issue) => {
    const zh = issue.code === 'custom' ? (issue.params as { zh?: unknown } | undefined)?.zh : undefined;
    return { path: [err.validationContext ?? 'body', ...issue.path.map(String)].join('.'), message: typeof zh === 'string' ? zh : issue.message };
  });
  return new AppError('VALIDATION_FAILED', '提交的内容有误，请按提示修改', details);
}
