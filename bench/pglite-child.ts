/**
 * The embedded PGlite for the benchmark, in its own process (as `npm start` runs it): PGlite is
 * single-threaded WebAssembly, so sharing the event loop with the API, the worker and the load
 * generator would measure their contention rather than the system. Prints `READY <url>` once
 * listening and stops on SIGTERM or when its parent goes away.
 */
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';

const port = Number(process.argv[2]);
const pg = await startEmbeddedPostgres({ port });
process.stdout.write(`READY ${pg.url}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
