import pino, { type DestinationStream, type Logger as TPino } from 'pino';
import type { LogLevel, LogMetadata, Logger as TTemporalLogger } from '@temporalio/common';
import type { TConfig } from '../config';

export type { TPino };

/**
 * The one structured JSON logger of Bangfu: the API (Fastify is handed these options) and the
 * worker write the same line shape to stdout, so one collector reads both processes.
 */
export function loggerOptions(level: TConfig['logLevel']): pino.LoggerOptions {
  return { level, redact: ['req.headers.authorization', 'req.headers.cookie'] };
}

/** A pino logger; `destination` lets a test capture the lines the process would print. */
export function createLogger(opts: { level: TConfig['logLevel']; name?: string; destination?: DestinationStream }): TPino {
  const options = { ...loggerOptions(opts.level), ...(opts.name ? { name: opts.name } : {}) };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** A project workflow is `project-<id>`, its children `project-<id>:step:…`: the id is the project's. */
export function projectIdOf(workflowId: unknown): string | undefined {
  if (typeof workflowId !== 'string') return undefined;
  return /^project-([^:]+)/.exec(workflowId)?.[1];
}

/**
 * The SDK's fields, renamed so a workflow's and an activity's lines can be joined on the same
 * keys (workflowId, runId, projectId). The task token is an opaque credential-like blob: dropped.
 */
function fieldsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const { taskToken: _token, workflowRunId, ...rest } = meta as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...rest };
  if (workflowRunId !== undefined && fields.runId === undefined) fields.runId = workflowRunId;
  const projectId = projectIdOf(fields.workflowId);
  if (projectId) fields.projectId = projectId;
  return fields;
}

/**
 * The Temporal Runtime's logger, writing into pino. The Runtime sends it the SDK's and Core's
 * lines, the workflows' `log` (replay-aware: nothing is logged while a workflow replays) and the
 * activities' `log`, each with the SDK's metadata (workflowId, runId, activity…).
 */
export function temporalLogger(logger: TPino): TTemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVEL[level]](fieldsOf(meta), message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
