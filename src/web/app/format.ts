import type { TLang } from './i18n';

/** An instant as officials read it: Beijing time, in the page's language. */
export function formatInstant(iso: string | null | undefined, lang: TLang): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
