import type { Client } from '@temporalio/client';
import type { TConfig } from '../config';
import type { TPrisma } from '../db/prisma';
import type { TActor } from '../domain/actor';

export interface TAppDeps {
  config: TConfig;
  prisma: TPrisma;
  temporal: Client;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: TActor | null;
  }
}
