import { z } from 'zod';

// On its own, with nothing but Zod: the API's Chinese validation errors (localized-validation.ts)
// and the React app's form messages (src/web/app) come from this one function.

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
