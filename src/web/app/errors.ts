import { ApiError } from './api';
import type { TI18n } from './i18n';

/** What to tell a person about a failure: the code's own words, never the code itself. */
export function errorText(err: unknown, { t, lang }: Pick<TI18n, 't' | 'lang'>): string {
  if (err instanceof ApiError) {
    const known = (t.errors as Record<string, string>)[err.code];
    if (known) return known;
    // The API's English message is useful to an English reader; a Chinese page gets plain words.
    return lang === 'en' ? err.message : t.errors.other;
  }
  return t.errors.other;
}
