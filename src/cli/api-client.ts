import { CliError, EXIT, exitCodeForStatus } from './cli-error';
import type { TCliConfig } from './cli-config';

export interface TApi {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
}

/** Plain fetch against the JSON API; every failure becomes a CliError with its exit code. */
export function createApi({ url, token }: TCliConfig): TApi {
  const base = url.replace(/\/+$/, '');
  async function send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const reason: unknown = (err as Error).cause ?? (err as Error).message;
      throw new CliError(EXIT.SERVER, `cannot reach ${base}: ${String(reason)}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const apiError = (parsed as { error?: { code: string; message: string; details?: unknown[] } } | null)?.error;
      throw new CliError(
        exitCodeForStatus(res.status),
        apiError ? `${apiError.code}: ${apiError.message}` : `HTTP ${res.status}`,
        apiError ?? { code: `HTTP_${res.status}`, message: text.slice(0, 200) },
      );
    }
    return { status: res.status, body: parsed as T };
  }
  return {
    get: async (path) => (await send<never>('GET', path)).body,
    post: (path, body) => send('POST', path, body),
  };
}
