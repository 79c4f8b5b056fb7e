import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdminScope } from '../../auth/admin-scope';
import { recordAudit } from '../../auth/record-audit';
import type { TPrisma } from '../../db/prisma';
import { findGrant, type TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import type { Prisma } from '../../generated/prisma/client';
import { channelKey, sealChannelConfig } from '../../notifications/channel-secrets';
import { publicChannelConfig, ZChannelInput, ZEmailChannelConfig, ZPublicChannelConfig, ZRobotChannelConfig } from '../../notifications/channel-config';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';

const ZCountyParams = z.object({ id: z.string().trim().min(1).max(64) });
const ZChannelParams = z.object({ id: z.uuid() });

const ZChannelOut = z.object({
  id: z.string(),
  countyId: z.string(),
  kind: z.enum(['EMAIL', 'DINGTALK', 'WECOM']),
  name: z.string(),
  enabled: z.boolean(),
  config: ZPublicChannelConfig,
  createdAt: ZInstant,
  updatedAt: ZInstant,
});

const ZChannelPatch = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  enabled: z.boolean().optional(),
  /** A whole new config for the channel's kind, secrets included (the stored ones are never read back). */
  config: z.record(z.string(), z.unknown()).optional(),
});

const ZDeliveriesQuery = ZPageQuery.extend({
  countyId: z.string().trim().min(1).max(64),
  status: z.enum(['PENDING', 'SENT', 'FAILED']).optional(),
});

const ZDeliveryOut = z.object({
  id: z.string(),
  channelId: z.string(),
  kind: z.string(),
  eventKey: z.string(),
  notificationId: z.string().nullable(),
  recipient: z.string().nullable().describe('the e-mail address; null for a group robot'),
  subject: z.string(),
  status: z.enum(['PENDING', 'SENT', 'FAILED']),
  attempts: z.number().int(),
  nextAttemptAt: ZInstant,
  lastError: z.string().nullable(),
  sentAt: ZNullableInstant,
  createdAt: ZInstant,
  log: z.array(z.object({ attempt: z.number().int(), ok: z.boolean(), error: z.string().nullable(), durationMs: z.number().int(), at: ZInstant })),
});

type TChannelRow = { id: string; countyId: string; kind: string; name: string; enabled: boolean; config: unknown; createdAt: Date; updatedAt: Date };
const channelOut = (c: TChannelRow) => ({
  ...c,
  kind: c.kind as z.infer<typeof ZChannelOut>['kind'],
  config: publicChannelConfig(c.kind, c.config),
});

async function countyPath(prisma: TPrisma, id: string, field: string): Promise<string> {
  const unit = await prisma.orgUnit.findUnique({ where: { id } });
  if (!unit || unit.level !== 'COUNTY')
    throw new AppError('NOT_FOUND', `no county ${id}`, [{ path: field, message: unit ? 'not a county' : 'unknown county' }]);
  return unit.path;
}

function requireAdminOrMonitor(actor: TActor, path: string, field: string) {
  if (!actor.roles.some((g) => g.role === 'ADMIN' || g.role === 'MONITOR'))
    throw new AppError('ROLE_NOT_ALLOWED', 'only administrators and monitors read the delivery log');
  if (!findGrant(actor, 'ADMIN', path) && !findGrant(actor, 'MONITOR', path))
    throw new AppError('OUT_OF_SCOPE', 'this county is outside your org units', [{ path: field, message: 'out of scope' }]);
}

/** A replacement config checked against its channel's kind: 400 naming the field. */
function parseConfig(kind: string, config: unknown) {
  const schema = kind === 'EMAIL' ? ZEmailChannelConfig : kind === 'DINGTALK' ? ZRobotChannelConfig : ZRobotChannelConfig.omit({ secret: true });
  const parsed = schema.safeParse(config);
  if (!parsed.success)
    throw new AppError(
      'VALIDATION_FAILED',
      'invalid channel config',
      parsed.error.issues.map((i) => ({ path: ['body', 'config', ...i.path].join('.'), message: i.message })),
    );
  return parsed.data;
}

/** A county's delivery channels (its administrators) and the outbox's delivery log (also its monitors). */
export async function notificationChannelRoutes(app: FastifyInstance, { prisma, config: appConfig }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const key = channelKey(appConfig.notifications.channelKey);

  r.get(
    '/api/counties/:id/notification-channels',
    {
      schema: {
        tags: ['notifications'],
        summary: "A county's notification channels (e-mail, DingTalk and WeCom robots), without their secrets",
        params: ZCountyParams,
        response: { 200: z.object({ items: z.array(ZChannelOut) }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      requireAdminScope(actor, await countyPath(prisma, req.params.id, 'params.id'), 'params.id');
      const rows = await prisma.notificationChannel.findMany({ where: { countyId: req.params.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return { items: rows.map(channelOut) };
    },
  );

  r.post(
    '/api/counties/:id/notification-channels',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Add a notification channel to a county (its administrators)',
        description:
          'EMAIL: an SMTP server and sender; DINGTALK: a group robot webhook with its optional 加签 secret; WECOM: a group robot webhook. The answer never repeats a secret.',
        params: ZCountyParams,
        body: ZChannelInput,
        response: { 201: ZChannelOut },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      requireAdminScope(actor, await countyPath(prisma, req.params.id, 'params.id'), 'params.id');
      const b = req.body;
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.notificationChannel.create({
          data: {
            countyId: req.params.id,
            kind: b.kind,
            name: b.name,
            enabled: b.enabled,
            config: sealChannelConfig(b.kind, b.config, key) as Prisma.InputJsonValue,
          },
        });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'NOTIFICATION_CHANNEL_CREATED',
          entityType: 'NotificationChannel',
          entityId: created.id,
          orgUnitId: req.params.id,
          details: { countyId: req.params.id, kind: b.kind, name: b.name, enabled: b.enabled, configReplaced: true },
        });
        return created;
      });
      return reply.code(201).send(channelOut(row));
    },
  );

  r.patch(
    '/api/notification-channels/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Rename, switch on or off, or replace the config of a notification channel',
        params: ZChannelParams,
        body: ZChannelPatch,
        response: { 200: ZChannelOut },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const existing = await prisma.notificationChannel.findUnique({ where: { id: req.params.id } });
      if (!existing) throw new AppError('NOT_FOUND', `no channel ${req.params.id}`, [{ path: 'params.id', message: 'not found' }]);
      requireAdminScope(actor, await countyPath(prisma, existing.countyId, 'params.id'), 'params.id');
      const config = req.body.config === undefined ? undefined : parseConfig(existing.kind, req.body.config);
      const row = await prisma.$transaction(async (tx) => {
        const updated = await tx.notificationChannel.update({
          where: { id: existing.id },
          data: {
            name: req.body.name,
            enabled: req.body.enabled,
            config: config === undefined ? undefined : (sealChannelConfig(existing.kind, config, key) as Prisma.InputJsonValue),
          },
        });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'NOTIFICATION_CHANNEL_CHANGED',
          entityType: 'NotificationChannel',
          entityId: updated.id,
          orgUnitId: updated.countyId,
          details: { countyId: updated.countyId, kind: updated.kind, name: updated.name, enabled: updated.enabled, configReplaced: config !== undefined },
        });
        return updated;
      });
      return channelOut(row);
    },
  );

  r.get(
    '/api/notification-deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: "The delivery log of a county's outbox: each delivery, its status, attempts and last error",
        querystring: ZDeliveriesQuery,
        response: { 200: ZPage(ZDeliveryOut) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      requireAdminOrMonitor(actor, await countyPath(prisma, req.query.countyId, 'querystring.countyId'), 'querystring.countyId');
      const where = { countyId: req.query.countyId, ...(req.query.status ? { status: req.query.status } : {}) };
      const [rows, total] = await Promise.all([
        prisma.notificationDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...pageArgs(req.query) }),
        prisma.notificationDelivery.count({ where }),
      ]);
      const attempts = await prisma.notificationAttempt.findMany({
        where: { deliveryId: { in: rows.map((d) => d.id) } },
        orderBy: [{ deliveryId: 'asc' }, { attempt: 'asc' }],
      });
      const items = rows.map((d) => ({
        id: d.id,
        channelId: d.channelId,
        kind: d.kind,
        eventKey: d.eventKey,
        notificationId: d.notificationId,
        recipient: d.recipient,
        subject: d.subject,
        status: d.status as 'PENDING' | 'SENT' | 'FAILED',
        attempts: d.attempts,
        nextAttemptAt: d.nextAttemptAt,
        lastError: d.lastError,
        sentAt: d.sentAt,
        createdAt: d.createdAt,
        log: attempts.filter((a) => a.deliveryId === d.id).map((a) => ({ attempt: a.attempt, ok: a.ok, error: a.error, durationMs: a.durationMs, at: a.at })),
      }));
      return { items, total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );
}
