import type { FastifyInstance } from 'fastify';
import { startDeliveryLoop } from '../notifications/delivery-loop';
import type { TAppDeps } from './context';

/**
 * The notification outbox is sent from the API processes (docs/operations.md#notifications): they
 * already hold the database and are restarted by whatever runs them, and a send is not a workflow
 * step, so it needs no history in Temporal and takes no activity slot from the worker. Every
 * server runs the loop; the rows' leases keep two servers from sending the same one. A server that
 * does not send (NOTIFY_DELIVERY=false, the default under test) still turns the decisions' stored
 * causes into the in-app notifications.
 */
export function runDeliveryLoop(app: FastifyInstance, { prisma, config }: TAppDeps) {
  let loop: { stop(): Promise<void> } | null = null;
  app.addHook('onReady', async () => {
    loop = startDeliveryLoop({
      prisma,
      options: config.notifications,
      pollMs: config.notifications.pollMs,
      send: config.notifications.deliver,
      onError: (err) => app.log.warn({ err }, 'notification delivery round failed'),
    });
  });
  app.addHook('onClose', async () => {
    await loop?.stop();
  });
}
