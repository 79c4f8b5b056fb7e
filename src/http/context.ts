import type { Client } from '@temporalio/client';
import type { TConfig } from '../config';
import type { TPrisma } from '../db/prisma';
import type { TActor } from '../domain/actor';
import type { TTracing } from '../observability/tracing';
import type { TCountySettingsOverrides } from '../domain/policies/settings';

export interface TAppDeps {
  config: TConfig;
  prisma: TPrisma;
  temporal: Client;
  /**
   * The county's settings overrides, merged over the defaults of `ZCountySettings` where a
   * workflow is started. Absent in production (the defaults apply); tests on the real dev server
   * set publicity periods to 0 days so a 10-day timer does not block them.
   */
  countySettings?: TCountySettingsOverrides;
  /**
   * The instant routes take as "now" where a deadline is judged against workflow time (the review
   * windows). Absent in production (Date.now); tests on the time-skipping server pass the server's
   * clock, which runs ahead of the process's.
   */
  clock?: () => number;
  /** Tracing is on (src/observability/tracing.ts): each request gets a server span. */
  tracing?: TTracing;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: TActor | null;
  }
}
