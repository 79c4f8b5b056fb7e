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
import { zhIssueMessage } from './schemas/zh-issue-message';

/** Whether the caller's first-choice language is Chinese. */
export function prefersChinese(acceptLanguage: string | undefined): boolean {
  return (acceptLanguage?.split(',')[0] ?? '').trim().toLowerCase().startsWith('zh');
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
