/** Benchmark settings: a scale preset (BENCH_SCALE) with individual overrides from the environment. */
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/config';
import type { TProjectYearsProfile } from '../scenarios/project-years';

export type TScale = 'small' | 'medium' | 'large';

export interface TBenchSettings {
  scale: TScale;
  /** Concurrent approvers per level of the approval round trip. */
  concurrency: number[];
  /** Decisions measured per level: max(minDecisions, concurrency × roundsPerApprover). */
  minDecisions: number;
  roundsPerApprover: number;
  /** Untimed decisions per side before each side's first level. */
  warmup: number;
  /** Projects created concurrently while preparing (not measured). */
  setupConcurrency: number;
  inboxTasks: number;
  inboxProjects: number;
  inboxTownships: number;
  villagesPerTownship: number;
  inboxRuns: number;
  inboxWarmup: number;
  inboxPageSize: number;
  /** Projects sampled for history length (and for actions per project in scenario 2). */
  historySample: number;
  /** Scenario 2: projects driven from proposal to the pool per side, and how many at once. */
  lifecycleProjects: number;
  lifecycleConcurrency: number;
  /** Scenario 4: open project workflows (half waiting on the publicity timer, half on the township task), started how many at once. */
  openWorkflows: number;
  openStartConcurrency: number;
  /** Scenario 4: stop opening after this many seconds and measure with what is open (BENCH_OPEN_MAX_SECONDS; default none). */
  openMaxSeconds: number | undefined;
  /** Scenario 4: approvers per level of the approval round trip measured while they are open. */
  openConcurrency: number[];
  /** Scenario 5 (project-years): projects driven on the time-skipping server, and simulated years each. */
  projectYearsProjects: number;
  projectYears: number;
  /** Scenario 5's profiles (BENCH_PROJECT_YEARS_PROFILE=happy|hard|both; default both): every evaluation 良, or every path that goes wrong. */
  projectYearsProfiles: TProjectYearsProfile[];
  /** Which scenarios run (BENCH_SCENARIOS=1,2,3,4,5,6; default all). */
  scenarios: number[];
  databaseUrl: string | undefined;
  temporalCli: string | undefined;
  /** The project worker's workflow cache (BENCH_MAX_CACHED_WORKFLOWS; default the app's, src/config.ts). */
  maxCachedWorkflows: number;
  /** The project worker's workflow threads (BENCH_WORKFLOW_THREADS; default the SDK's). */
  workflowThreads: number | undefined;
  /** The dev server persists to a SQLite file, as `npm start` runs it (BENCH_TEMPORAL_DB=file; default in memory). */
  temporalDbFile: boolean;
  /** Project workers: the bench process's own plus N − 1 worker processes (`src/worker.ts`) on the same queue (BENCH_WORKERS; default 1). */
  workers: number;
}

const PRESETS: Record<TScale, Pick<TBenchSettings, 'minDecisions' | 'roundsPerApprover' | 'warmup' | 'inboxRuns'>> = {
  small: { minDecisions: 24, roundsPerApprover: 4, warmup: 8, inboxRuns: 200 },
  medium: { minDecisions: 60, roundsPerApprover: 8, warmup: 16, inboxRuns: 500 },
  large: { minDecisions: 200, roundsPerApprover: 20, warmup: 32, inboxRuns: 1000 },
};

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function intList(env: NodeJS.ProcessEnv, name: string, fallback: string): number[] {
  return (env[name] || fallback).split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a comma list of positive integers, got "${env[name]}"`);
    return n;
  });
}

function profiles(env: NodeJS.ProcessEnv): TProjectYearsProfile[] {
  const raw = env.BENCH_PROJECT_YEARS_PROFILE || 'both';
  if (raw === 'both') return ['happy', 'hard'];
  if (raw === 'happy' || raw === 'hard') return [raw];
  throw new Error(`BENCH_PROJECT_YEARS_PROFILE must be happy, hard or both, got "${raw}"`);
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): TBenchSettings {
  const scale = (env.BENCH_SCALE || 'small') as TScale;
  if (!(scale in PRESETS)) throw new Error(`BENCH_SCALE must be one of ${Object.keys(PRESETS).join(', ')}, got "${scale}"`);
  const p = PRESETS[scale];
  const concurrency = intList(env, 'BENCH_CONCURRENCY', '1,8,32');
  return {
    scale,
    concurrency,
    minDecisions: int(env, 'BENCH_MIN_DECISIONS', p.minDecisions),
    roundsPerApprover: int(env, 'BENCH_ROUNDS_PER_APPROVER', p.roundsPerApprover),
    warmup: int(env, 'BENCH_WARMUP', p.warmup, 0),
    setupConcurrency: int(env, 'BENCH_SETUP_CONCURRENCY', 8),
    inboxTasks: int(env, 'BENCH_INBOX_TASKS', 100_000),
    inboxProjects: int(env, 'BENCH_INBOX_PROJECTS', 400),
    inboxTownships: int(env, 'BENCH_INBOX_TOWNSHIPS', 40),
    villagesPerTownship: int(env, 'BENCH_VILLAGES_PER_TOWNSHIP', 10),
    inboxRuns: Math.max(200, int(env, 'BENCH_INBOX_RUNS', p.inboxRuns)),
    inboxWarmup: int(env, 'BENCH_INBOX_WARMUP', 20, 0),
    inboxPageSize: 50,
    historySample: int(env, 'BENCH_HISTORY_SAMPLE', 10),
    // The sizes by default (the reference run); smaller for a quick run.
    lifecycleProjects: int(env, 'BENCH_LIFECYCLE_PROJECTS', 1000),
    lifecycleConcurrency: int(env, 'BENCH_LIFECYCLE_CONCURRENCY', 8),
    openWorkflows: int(env, 'BENCH_OPEN_WORKFLOWS', 10_000, 2),
    openStartConcurrency: int(env, 'BENCH_OPEN_START_CONCURRENCY', 16),
    openMaxSeconds: env.BENCH_OPEN_MAX_SECONDS ? int(env, 'BENCH_OPEN_MAX_SECONDS', 1) : undefined,
    openConcurrency: intList(env, 'BENCH_OPEN_CONCURRENCY', '1,8'),
    projectYearsProjects: int(env, 'BENCH_PROJECT_YEARS_PROJECTS', 3),
    projectYears: int(env, 'BENCH_PROJECT_YEARS', 4),
    projectYearsProfiles: profiles(env),
    scenarios: intList(env, 'BENCH_SCENARIOS', '1,2,3,4,5,6'),
    databaseUrl: env.BENCH_DATABASE_URL || undefined,
    temporalCli: env.TEMPORAL_CLI_PATH || undefined,
    maxCachedWorkflows: int(env, 'BENCH_MAX_CACHED_WORKFLOWS', DEFAULT_MAX_CACHED_WORKFLOWS, 0),
    workflowThreads: env.BENCH_WORKFLOW_THREADS ? int(env, 'BENCH_WORKFLOW_THREADS', 1) : undefined,
    temporalDbFile: env.BENCH_TEMPORAL_DB === 'file',
    workers: int(env, 'BENCH_WORKERS', 1),
  };
}

export const decisionsFor = (s: TBenchSettings, concurrency: number) => Math.max(s.minDecisions, concurrency * s.roundsPerApprover);
