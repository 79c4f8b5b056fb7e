import type { TLang } from './i18n';

/** A refusal of the JSON API, in its one envelope: `{ error: { code, message, details[{ path, message }] } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

interface TErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ path: string; message: string }> };
}

let language: TLang = 'zh';
/** The API answers validation errors in the page's language (Accept-Language). */
export const setApiLanguage = (lang: TLang) => void (language = lang);

let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (fn: () => void) => void (onUnauthenticated = fn);

/** The same JSON API every client uses, signed in by the session cookie (httpOnly; nothing in storage). */
export async function api<T>(
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; query?: Record<string, string | number | undefined> } = {},
): Promise<T> {
  const qs = new URLSearchParams(
    Object.entries(init.query ?? {})
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();
  const res = await fetch(qs ? `${path}?${qs}` : path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: { 'accept-language': language === 'en' ? 'en' : 'zh-CN', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as TErrorBody | null)?.error;
    if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `HTTP ${res.status}`, e?.details ?? []);
  }
  return data as T;
}

/** A fresh idempotency key per submission: a retried request applies once. */
export const newRequestId = () => `web-${crypto.randomUUID()}`;

/** The signed-in user (GET /api/me). */
export interface TMe {
  userId: string;
  displayName?: string;
  roles: Array<{ role: string; orgUnitId: string; orgPath: string }>;
  /** The Temporal Web UI, given by the server to monitors and administrators only (null otherwise). */
  temporalUiUrl?: string | null;
}
