import type { z } from 'zod';
import type { FormInstance, FormRule } from 'antd';
import { zhIssueMessage } from '../../http/schemas/zh-issue-message';
import type { TLang } from './i18n';

/**
 * Forms are checked by the API's own Zod schemas (one source) before anything is sent; the
 * messages are the API's own Chinese ones (zh-issue-message.ts) on a Chinese page. The issue's
 * input is reported so "required" can be told from "wrong type", and the Chinese text is taken
 * even where the schema carries an English message of its own.
 */
export function zodIssues(schema: z.ZodType, value: unknown, lang: TLang): Array<{ path: string; message: string }> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: (lang === 'zh' ? zhIssueMessage(issue as unknown as z.core.$ZodRawIssue) : undefined) ?? issue.message,
  }));
}

/** An antd Form rule that checks one field with the field's schema. */
export function zodRule(schema: z.ZodType, lang: TLang): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const [first] = zodIssues(schema, value, lang);
      if (first) throw new Error(first.message);
    },
  };
}

/** Puts the API's (or the schema's) field messages beside the form's fields: `body.comment` → `comment`. */
export function showFieldErrors(form: FormInstance, details: Array<{ path: string; message: string }>, fields: readonly string[]): boolean {
  const placed = details.map((d) => ({ name: d.path.replace(/^body\./, '').split('.')[0], errors: [d.message] })).filter((f) => fields.includes(f.name));
  form.setFields(placed);
  return placed.length > 0;
}
