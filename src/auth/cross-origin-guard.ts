import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors';
import { authenticatedByBearer } from './session-cookie';

/**
 * CSRF defence for everything a browser can send on its own. SameSite=Lax keeps the session
 * cookie off cross-site requests, but "site" ignores the port and the subdomain: a page on
 * another port of the same host (or a sibling subdomain) is same-site, its forms and fetches
 * carry the admin's cookie, and body-less POSTs (deactivate, logout) need no JSON to work.
 *
 * So every unsafe request must come from this very origin, judged as Go's
 * http.CrossOriginProtection does: `Sec-Fetch-Site` when the browser sends it (every current
 * browser does), else `Origin` against the request's Host; a request with neither is not from a
 * browser page (curl, the CLI, scripts) and passes. Requests authenticated by a bearer token pass
 * too: a page cannot make the browser attach an Authorization header cross-origin without a CORS
 * preflight, which this server never grants. Anonymous requests are checked like cookie ones, so
 * a foreign page cannot sign the browser in as someone else either (login CSRF).
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface TRequestOrigin {
  method: string;
  /** `Sec-Fetch-Site`: same-origin | same-site | cross-site | none. */
  fetchSite?: string;
  origin?: string;
  /** The Host the request was sent to (X-Forwarded-Host behind a trusted proxy). */
  host: string;
}

/** Why the request is refused as cross-origin, or null when it may go on. Pure: no I/O. */
export function crossOriginRefusal({ method, fetchSite, origin, host }: TRequestOrigin): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (fetchSite) {
    // "none": the user typed or bookmarked it; no page sent it.
    return fetchSite === 'same-origin' || fetchSite === 'none' ? null : `Sec-Fetch-Site is ${fetchSite}`;
  }
  if (origin === undefined) return null;
  return sameHost(origin, host) ? null : `Origin ${origin} is not ${host}`;
}

function sameHost(origin: string, host: string): boolean {
  try {
    const o = new URL(origin);
    // Through URL with the origin's scheme, so an explicit default port (example.org:443) compares equal.
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false; // "null" (sandboxed frames, file:) or garbage: not this origin
  }
}

export function registerCrossOriginGuard(app: FastifyInstance) {
  // After the bearer and cookie hooks (onRequest hooks run in registration order), before any handler.
  app.addHook('onRequest', async (req) => {
    if (authenticatedByBearer(req)) return;
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const refusal = crossOriginRefusal({ method: req.method, fetchSite: header('sec-fetch-site'), origin: header('origin'), host: req.host });
    if (refusal)
      throw new AppError('CROSS_ORIGIN_REFUSED', `cross-origin request refused (${refusal}); use this site's own pages, or a bearer token from a script`, [
        { path: 'headers.origin', message: 'cross-origin' },
      ]);
  });
}
