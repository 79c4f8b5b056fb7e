/** Latency statistics and a small closed-loop load driver. */

export interface TLatency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of sorted values (milliseconds). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: number[]): TLatency {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    mean: r(sum / Math.max(1, sorted.length)),
    min: r(sorted[0] ?? NaN),
    max: r(sorted[sorted.length - 1] ?? NaN),
  };
}

export const ratio = (ours: number, baseline: number) => (baseline > 0 ? Math.round((ours / baseline) * 100) / 100 : NaN);

export const now = () => performance.now();

/**
 * `concurrency` workers pull items from one queue until it is empty (closed loop: each starts its
 * next item when the previous answered). Returns per-item latencies and the wall time.
 */
export async function drive<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, worker: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number; errors: string[] }> {
  const queue = [...items];
  const latencies: number[] = [];
  const errors: string[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const t0 = now();
        try {
          await fn(item, w);
          latencies.push(now() - t0);
        } catch (err) {
          errors.push((err as Error).message ?? String(err));
        }
      }
    }),
  );
  return { latencies, wallMs: now() - start, errors };
}

/** Runs `fn` with at most `limit` in flight (setup work, not measured). */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
