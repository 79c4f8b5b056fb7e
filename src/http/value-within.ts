/**
 * The promise's value, or `fallback` if it fails or has not settled within `ms`. For reads that
 * may degrade (health checks, a page's live workflow state): with the Temporal server down its
 * client retries for ~20 s and a gRPC deadline was seen to overrun by seconds, so a timer bounds it.
 */
export function valueWithin<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([promise.catch(() => fallback), expired]).finally(() => clearTimeout(timer));
}
