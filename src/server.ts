import { pathToFileURL } from 'node:url';
import { loadConfig, databaseUrl, type TConfig } from './config';
import { createPrisma } from './db/prisma';
import { buildApp } from './http/app';
import { connectClient } from './temporal/connection';
import { startTracing } from './observability/tracing';

/** The HTTP API and web app. Stateless: run as many as you like behind a load balancer. */
export async function main(config: TConfig = loadConfig()) {
  const tracing = await startTracing(config.tracing, 'api');
  const prisma = createPrisma({ url: databaseUrl(config) });
  const temporal = await connectClient(config, { tracing });
  const countySettings =
    config.publicityDays === undefined
      ? undefined
      : { publicity: { villageDays: config.publicityDays, townshipDays: config.publicityDays, acceptanceDays: config.publicityDays } };
  const app = await buildApp(
    { config, prisma, temporal, countySettings, tracing },
    { cookieSecret: config.accounts.cookieSecret, loginLimit: config.accounts.loginLimit },
  );
  await app.listen({ host: config.http.host, port: config.http.port });
  const stop = async () => {
    await app.close();
    await temporal.connection.close();
    await prisma.$disconnect();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`[server] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
