import { useEffect, useState } from 'react';
import { api } from './api';
import { errorText } from './errors';
import type { TI18n } from './i18n';

/**
 * A GET of the API as page state: refetched whenever the query (or `version`) changes, an answer
 * that arrives after a newer request was made is dropped, and a refusal becomes the page's error.
 */
export function useApiGet<T>(path: string, query: Record<string, string | number | undefined>, i18n: TI18n, version = 0) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(query);
  useEffect(() => {
    let current = true;
    setLoading(true);
    api<T>(path, { query: JSON.parse(key) as Record<string, string | number | undefined> })
      .then(
        (res) => current && (setData(res), setError(undefined)),
        (err: unknown) => current && setError(errorText(err, i18n)),
      )
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, key, i18n, version]);
  return { data, error, setError, loading };
}
