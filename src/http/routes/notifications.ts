import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../auth/record-audit';
import { NOTIFICATION_KINDS } from '../../notifications/kinds';
import { ZEmailAddress } from '../../notifications/channel-config';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';

const ZNotification = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string().describe("the task's title"),
  params: z.object({ projectName: z.string().optional(), action: z.string().optional(), actorName: z.string().optional() }),
  projectId: z.string().nullable(),
  taskId: z.string().nullable(),
  readAt: ZNullableInstant,
  createdAt: ZInstant,
});

const ZListQuery = ZPageQuery.extend({
  unread: z.enum(['true', 'false']).optional().describe('true: only the unread ones'),
});

const ZReadBody = z.union([z.strictObject({ ids: z.array(z.string().min(1).max(600)).min(1).max(200) }), z.strictObject({ all: z.literal(true) })]);

const ZEmailBody = z.object({ email: ZEmailAddress.nullable().describe('null: no e-mail') });

/** The notification centre: a person's own notifications, and where they want e-mail. */
export async function notificationRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first, with my unread count',
        querystring: ZListQuery,
        response: { 200: ZPage(ZNotification).extend({ unread: z.number().int().min(0) }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const mine = { userId: actor.userId };
      const where = req.query.unread === 'true' ? { ...mine, readAt: null } : mine;
      const [rows, total, unread] = await Promise.all([
        prisma.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...pageArgs(req.query) }),
        prisma.notification.count({ where }),
        prisma.notification.count({ where: { ...mine, readAt: null } }),
      ]);
      const items = rows.map((n) => ({
        id: n.id,
        kind: n.kind as (typeof NOTIFICATION_KINDS)[number],
        title: n.title,
        params: (n.params ?? {}) as z.infer<typeof ZNotification>['params'],
        projectId: n.projectId,
        taskId: n.taskId,
        readAt: n.readAt,
        createdAt: n.createdAt,
      }));
      return { items, total, unread, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  r.get(
    '/api/notifications/unread-count',
    {
      schema: {
        tags: ['notifications'],
        summary: 'How many of my notifications are unread (the bell)',
        response: { 200: z.object({ unread: z.number().int() }) },
      },
    },
    async (req) => ({ unread: await prisma.notification.count({ where: { userId: requireActor(req).userId, readAt: null } }) }),
  );

  r.post(
    '/api/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark some of my notifications read (`ids`), or all of them (`all: true`)',
        description: 'Ids that are not yours, or already read, are left as they are: `marked` counts only what changed.',
        body: ZReadBody,
        response: { 200: z.object({ marked: z.number().int() }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const only = 'ids' in req.body ? { id: { in: req.body.ids } } : {};
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.notification.updateMany({ where: { userId: actor.userId, readAt: null, ...only }, data: { readAt: new Date() } });
        await recordAudit(tx, { actorId: actor.userId, action: 'NOTIFICATIONS_READ', entityType: 'User', entityId: actor.userId, details: { count } });
        return { marked: count };
      });
    },
  );

  r.get(
    '/api/notifications/email',
    { schema: { tags: ['notifications'], summary: 'Where I get notifications by e-mail', response: { 200: ZEmailBody } } },
    async (req) => {
      const row = await prisma.notificationAddress.findUnique({ where: { userId: requireActor(req).userId } });
      return { email: row?.email ?? null };
    },
  );

  r.put(
    '/api/notifications/email',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Set (or clear, with null) where I get notifications by e-mail',
        description: "E-mail goes out only where the project's county has an e-mail channel (POST /api/counties/{id}/notification-channels).",
        body: ZEmailBody,
        response: { 200: ZEmailBody },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { email } = req.body;
      await prisma.$transaction(async (tx) => {
        if (email === null) await tx.notificationAddress.deleteMany({ where: { userId: actor.userId } });
        else await tx.notificationAddress.upsert({ where: { userId: actor.userId }, create: { userId: actor.userId, email }, update: { email } });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'NOTIFICATION_ADDRESS_SET',
          entityType: 'User',
          entityId: actor.userId,
          details: { emailSet: email !== null },
        });
      });
      return { email };
    },
  );
}
