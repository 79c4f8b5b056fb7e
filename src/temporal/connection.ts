import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TConfig } from '../config';
import { tracingClientInterceptors } from '../observability/temporal-tracing';
import type { TTracing } from '../observability/tracing';

/** TLS/API-key options shared by the client and the worker connection (Temporal Cloud, mTLS clusters). */
function connectionOptions(config: TConfig, address: string) {
  const t = config.temporal;
  const tls = t.tls
    ? {
        serverNameOverride: t.tls.serverName,
        serverRootCACertificate: t.tls.caPath ? fs.readFileSync(t.tls.caPath) : undefined,
        clientCertPair: t.tls.certPath && t.tls.keyPath ? { crt: fs.readFileSync(t.tls.certPath), key: fs.readFileSync(t.tls.keyPath) } : undefined,
      }
    : undefined;
  return { address, tls, apiKey: t.apiKey, metadata: t.apiKey ? { 'temporal-namespace': t.namespace } : undefined };
}

export function temporalAddress(config: TConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
}

/**
 * gRPC's reconnect backoff grows to 120 s: after a Temporal outage of a minute the API kept
 * failing for long after the server was back (test/faults/temporal-restart.test.ts). Retry the
 * connection every 2 s at most instead.
 */
const RECONNECT = { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 2_000 };

/** With `tracing`, every workflow call opens a span whose context travels to the workflow in headers. */
export async function connectClient(config: TConfig, opts: { tracing?: TTracing } = {}): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(config, temporalAddress(config)), channelArgs: RECONNECT });
  return new Client({ connection, namespace: config.temporal.namespace, ...(opts.tracing ? { interceptors: tracingClientInterceptors() } : {}) });
}

export async function connectWorker(config: TConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, temporalAddress(config)));
}
