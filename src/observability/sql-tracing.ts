import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { PrismaPg } from '@prisma/adapter-pg';

type TAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type TQueryable = Pick<TAdapter, 'queryRaw' | 'executeRaw'>;

const tracer = trace.getTracer('bangfu-sql');

/**
 * A client span per SQL statement Prisma sends through the driver adapter, with the statement
 * (parameterised: values are not in it). Only inside a trace: a query with no active span (tracing
 * off, or background work) costs one context lookup and makes no span.
 */
export function traceSql(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    wrapQueries(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await startTransaction(isolationLevel);
      wrapQueries(tx);
      return tx;
    };
    return adapter;
  };
  return factory;
}

function wrapQueries(queryable: TQueryable): void {
  const queryRaw = queryable.queryRaw.bind(queryable);
  const executeRaw = queryable.executeRaw.bind(queryable);
  queryable.queryRaw = (query) => inSpan(query.sql, () => queryRaw(query));
  queryable.executeRaw = (query) => inSpan(query.sql, () => executeRaw(query));
}

function inSpan<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getSpan(context.active())) return run();
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  return tracer.startActiveSpan(`sql ${verb}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': sql } }, async (span) => {
    try {
      return await run();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
