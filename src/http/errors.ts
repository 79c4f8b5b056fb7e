import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, isErrorCode, type TErrorDetail } from '../domain/errors';

/** Prisma error codes for "no database": can't reach, timed out, connection closed, pool timeout. */
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** What the pg driver adapter calls a lost database (Prisma's MappedError kinds). */
const ADAPTER_UNREACHABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Socket errors of the pg driver itself (outside Prisma, or not yet mapped by it). */
const SOCKET_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** PostgreSQL itself: connection exceptions (class 08), shutting down or starting (57P01-57P03), too many connections. */
const SQLSTATE_UNREACHABLE = /^(08...|57P0[123]|53300)$/;
const MESSAGE_UNREACHABLE =
  /Connection terminated|Can't reach database server|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/i;

/**
 * True when the error means the database cannot be reached (so the API says 503, not 500). Looks
 * at the error, its `cause` chain and Prisma's driver-adapter detail (`meta.driverAdapterError`):
 * a raw query wraps a lost connection as P2010 with only that detail to tell it apart.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length > 0) {
    const e = pending.pop() as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } } | null;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : '';
    if (PRISMA_UNREACHABLE.has(code) || SOCKET_UNREACHABLE.has(code) || SQLSTATE_UNREACHABLE.test(code)) return true;
    if (typeof e.kind === 'string' && ADAPTER_UNREACHABLE.has(e.kind)) return true;
    if (e.kind === 'postgres' && SQLSTATE_UNREACHABLE.test(String((e as { originalCode?: string | number }).originalCode ?? ''))) return true;
    if (typeof e.message === 'string' && MESSAGE_UNREACHABLE.test(e.message)) return true;
    pending.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

/** gRPC UNAVAILABLE from the Temporal client (the server is down or unreachable), possibly wrapped. */
function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth += 1) {
    if (e.code === 14 && typeof (e as { details?: unknown }).details === 'string') return true;
  }
  return false;
}

/**
 * PostgreSQL data exceptions caused by what the client sent (a NUL byte in text, which PostgreSQL
 * cannot store; a value too long or out of range for its column): the request is at fault, not
 * the server, so the API says 400 instead of 500.
 */
const CLIENT_DATA_EXCEPTIONS: Record<string, string> = {
  '22021': 'text contains a character that cannot be stored (e.g. a NUL byte)',
  '22P05': 'text contains a character that cannot be stored',
  '22001': 'a value is too long',
  '22003': 'a number is out of range',
};

function rejectedByDatabase(err: unknown): string | undefined {
  const cause = (err as { cause?: { kind?: string; originalCode?: string } })?.cause;
  return cause?.kind === 'postgres' && cause.originalCode ? CLIENT_DATA_EXCEPTIONS[cause.originalCode] : undefined;
}

/** Every failure leaves the API as the same `{ error: { code, message, details } }` shape. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details: TErrorDetail[] = err.validation.map((v) => ({
      path: [
        where,
        ...String(v.instancePath ?? '')
          .split('/')
          .filter(Boolean),
      ].join('.'),
      message: v.message ?? 'invalid',
    }));
    return new AppError('VALIDATION_FAILED', 'the request is invalid', details);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return fromApplicationFailure(err.cause);
  }
  if (err instanceof ApplicationFailure) return fromApplicationFailure(err);
  if (err instanceof WorkflowNotFoundError) return new AppError('NOT_FOUND', 'the workflow behind this item no longer runs');
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e?.statusCode === 400 && e.code?.startsWith('FST_'))) {
    return new AppError('VALIDATION_FAILED', e.message ?? 'malformed request', [{ path: 'body', message: e.message ?? 'malformed' }]);
  }
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('VALIDATION_FAILED', 'request body too large', [{ path: 'body', message: 'too large' }]);
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new AppError('VALIDATION_FAILED', 'unsupported content type', [{ path: 'headers.content-type', message: 'expected application/json' }]);
  if (e?.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new AppError('VALIDATION_FAILED', 'a path parameter is too long', [{ path: 'params', message: 'too long' }]);
  const rejected = rejectedByDatabase(err);
  if (rejected) return new AppError('VALIDATION_FAILED', rejected, [{ path: '', message: rejected }]);
  if (isDatabaseUnavailable(err))
    return new AppError('DATABASE_UNAVAILABLE', 'the database is unreachable; try again shortly (a retry with the same requestId is applied at most once)');
  if (isTemporalUnavailable(err))
    return new AppError(
      'TEMPORAL_UNAVAILABLE',
      'the workflow service is unreachable; try again shortly (a retry with the same requestId is applied at most once)',
    );
  return new AppError('INTERNAL', 'internal error');
}

function fromApplicationFailure(f: ApplicationFailure): AppError {
  const code = isErrorCode(f.type) ? f.type : 'CONFLICT';
  const details = Array.isArray(f.details?.[0]) ? (f.details[0] as TErrorDetail[]) : ((f.details as TErrorDetail[] | undefined) ?? []);
  return new AppError(
    code,
    f.message,
    details.filter((d) => d && typeof d.path === 'string'),
  );
}

/** NUL, or half of a UTF-16 surrogate pair: text PostgreSQL (and Prisma's JSON protocol) cannot carry. */
// eslint-disable-next-line no-control-regex -- matching NUL is the point: PostgreSQL text cannot hold it.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The dotted path of the first string (value or key) in a request part that cannot be stored, if
 * any. Refused at the edge: past it such text fails only inside an activity, which then retries
 * forever while the request waits. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  const pending: Array<[unknown, string]> = [[value, path]];
  while (pending.length > 0) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) return at;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (UNSTORABLE.test(key)) return `${at}.${key.replace(UNSTORABLE, '?')}`;
        pending.push([child, `${at}.${key}`]);
      }
    }
  }
  return undefined;
}
