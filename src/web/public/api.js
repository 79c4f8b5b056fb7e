import { lang } from './i18n.js';

// The JSON API through the session cookie (httpOnly, set by /api/auth/login): no token in storage.
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code || 'HTTP_' + status;
    this.details = body?.error?.details || [];
  }
}

let onUnauthenticated = () => {};
export const setUnauthenticatedHandler = (fn) => (onUnauthenticated = fn);

export async function api(path, { method = 'GET', body, query } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    if ([...qs].length) url += '?' + qs;
  }
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    // The API answers validation errors in the page's language (Chinese unless the user switched).
    headers: { 'accept-language': lang === 'en' ? 'en' : 'zh-CN', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    throw err;
  }
  return data;
}

export const newRequestId = () => 'web-' + crypto.randomUUID();
