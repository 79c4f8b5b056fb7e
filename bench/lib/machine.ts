/** What the figures were measured on: machine, versions. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PROJECT_ROOT, resolveTemporalCli } from '../../src/infra/temporal-dev-server';

const run = promisify(execFile);

export interface TMachine {
  cores: number;
  /** CPUs this process may use (cgroup/affinity), which can be fewer than `cores`. */
  availableParallelism: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  hostname: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

export interface TVersions {
  node: string;
  temporalCli: string;
  temporalSdk: string;
  prismaClient: string;
  prismaAdapterPg: string;
  fastify: string;
  xstate: string;
  postgres: string;
}

export function machineInfo(): TMachine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    cpuModel: (cpus[0]?.model ?? 'unknown').trim(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    loadAverageAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

function pkgVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export async function versions(databaseUrl: string, cliPath?: string): Promise<TVersions> {
  let temporalCli = 'unknown';
  try {
    const { stdout } = await run(resolveTemporalCli(cliPath), ['--version']);
    temporalCli = stdout.trim().replace(/^temporal version\s*/i, '');
  } catch {
    /* reported as unknown */
  }
  let postgres = 'unknown';
  const c = new pg.Client({ connectionString: databaseUrl });
  try {
    await c.connect();
    postgres = (await c.query('SHOW server_version')).rows[0].server_version;
  } catch {
    /* reported as unknown */
  } finally {
    await c.end().catch(() => undefined);
  }
  return {
    node: process.version,
    temporalCli,
    temporalSdk: pkgVersion('@temporalio/worker'),
    prismaClient: pkgVersion('@prisma/client'),
    prismaAdapterPg: pkgVersion('@prisma/adapter-pg'),
    fastify: pkgVersion('fastify'),
    xstate: pkgVersion('xstate'),
    postgres,
  };
}
