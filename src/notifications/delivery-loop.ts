import crypto from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
import { retryDelayMs, type TRetryPolicy } from './backoff';
import { channelKey, openChannelConfig } from './channel-secrets';
import { fanOutNoticeCauses } from './notify-step-change';
import { sendDelivery } from './send-delivery';

export interface TDeliveryOptions extends TRetryPolicy {
  /** How long a claimed row is this process's: another process skips it until then. */
  leaseMs: number;
  /** Rows claimed per round. */
  batch: number;
  sendTimeoutMs: number;
  /** The web address links in messages start with; null: no links. */
  publicBaseUrl: string | null;
  /** CHANNEL_SECRETS_KEY (base64): opens the channels' sealed secrets. */
  channelKey: string;
}

/**
 * Claims the due rows for this round: PENDING, due, not leased by a live process. `FOR UPDATE SKIP
 * LOCKED` lets two processes claim at the same moment without waiting on, or taking, each other's
 * rows; the lease (a token and an expiry, committed with the claim) keeps them off a row while it
 * is being sent, and gives it back if the process dies mid-send.
 */
async function claimDue(prisma: TPrisma, opts: TDeliveryOptions, token: string): Promise<Array<{ id: string; attempts: number }>> {
  const table = rawTable(prisma, 'NotificationDelivery');
  return prisma.$queryRaw<Array<{ id: string; attempts: number }>>(Prisma.sql`
    UPDATE ${table} SET "leaseToken" = ${token}, "leaseUntil" = now() + ${`${opts.leaseMs} milliseconds`}::interval,
      "attempts" = "attempts" + 1, "updatedAt" = now()
    WHERE "id" IN (
      SELECT "id" FROM ${table}
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= now() AND ("leaseUntil" IS NULL OR "leaseUntil" < now())
      ORDER BY "nextAttemptAt", "id" LIMIT ${opts.batch}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id", "attempts"`);
}

/** Sends one claimed row and records the attempt; the row is updated only while this lease holds it. */
async function deliverOne(prisma: TPrisma, opts: TDeliveryOptions, token: string, claimed: { id: string; attempts: number }) {
  const delivery = await prisma.notificationDelivery.findUniqueOrThrow({ where: { id: claimed.id } });
  const [channel, notification] = await Promise.all([
    prisma.notificationChannel.findUnique({ where: { id: delivery.channelId } }),
    delivery.notificationId ? prisma.notification.findUnique({ where: { id: delivery.notificationId }, select: { taskId: true } }) : null,
  ]);
  const started = Date.now();
  let error: string | null = null;
  try {
    if (!channel || !channel.enabled) throw new Error('the channel was removed or switched off');
    const link = opts.publicBaseUrl && notification?.taskId ? `${opts.publicBaseUrl}/app/tasks/${encodeURIComponent(notification.taskId)}` : null;
    await sendDelivery({
      kind: delivery.kind,
      config: openChannelConfig(channel.kind, channel.config, channelKey(opts.channelKey)),
      outgoing: { id: delivery.id, kind: delivery.kind, recipient: delivery.recipient, subject: delivery.subject, body: delivery.body, link },
      timeoutMs: opts.sendTimeoutMs,
    });
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 1000) || 'failed';
  }
  const delay = error === null ? null : retryDelayMs(opts, claimed.attempts);
  const now = new Date();
  await prisma.$transaction([
    prisma.notificationAttempt.createMany({
      data: [{ deliveryId: delivery.id, attempt: claimed.attempts, ok: error === null, error, durationMs: Date.now() - started, at: now }],
      skipDuplicates: true,
    }),
    prisma.notificationDelivery.updateMany({
      where: { id: delivery.id, leaseToken: token },
      data:
        error === null
          ? { status: 'SENT', sentAt: now, lastError: null, leaseToken: null, leaseUntil: null, updatedAt: now }
          : {
              status: delay === null ? 'FAILED' : 'PENDING',
              lastError: error,
              nextAttemptAt: new Date(now.getTime() + (delay ?? 0)),
              leaseToken: null,
              leaseUntil: null,
              updatedAt: now,
            },
    }),
  ]);
}

/**
 * One round: turn the stored causes into notifications and deliveries, then claim what is due and
 * send it. Returns how many causes and rows it handled.
 */
export async function deliverDue(prisma: TPrisma, opts: TDeliveryOptions): Promise<number> {
  const causes = await fanOutNoticeCauses(prisma, opts.batch);
  const token = crypto.randomUUID();
  const claimed = await claimDue(prisma, opts, token);
  await Promise.all(claimed.map((c) => deliverOne(prisma, opts, token, c)));
  return causes + claimed.length;
}

/**
 * The delivery loop of an API process: a round every `pollMs` (at once again while rounds come
 * back full). It keeps no state of its own, so a restarted process simply carries on from the rows.
 */
export function startDeliveryLoop({
  prisma,
  options,
  pollMs,
  onError,
  send = true,
}: {
  prisma: TPrisma;
  options: TDeliveryOptions;
  pollMs: number;
  onError?: (err: unknown) => void;
  /** False: only turn the stored causes into notifications (the in-app centre), send nothing out. */
  send?: boolean;
}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    let handled = 0;
    try {
      handled = send ? await deliverDue(prisma, options) : await fanOutNoticeCauses(prisma, options.batch);
    } catch (err) {
      onError?.(err);
    }
    if (!stopped) timer = setTimeout(() => void (running = round()), handled >= options.batch ? 0 : pollMs);
  };
  running = round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
