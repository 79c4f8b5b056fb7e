import type { Prisma } from '../generated/prisma/client';
import type { TPrisma } from '../db/prisma';
import { renderZh, type TNoticeParams, type TNotificationKind } from './kinds';

export type TNoticeTx = Parameters<Parameters<TPrisma['$transaction']>[0]>[0];

/** One cause (a task opened, an urge, …) and the people it concerns. */
export interface TNotice {
  /** Unique per cause and stable across retries of the record that causes it. */
  eventKey: string;
  kind: TNotificationKind;
  userIds: string[];
  projectId: string;
  taskId: string | null;
  title: string;
  params?: TNoticeParams;
  at: Date;
}

/**
 * The transactional outbox: called inside the transaction that writes the cause, it inserts one
 * Notification per person and one NotificationDelivery per notification per enabled e-mail channel
 * of the project's county (for a person with an address), and one per cause per robot channel
 * (the group sees one message naming everyone concerned). Every id is derived from the cause, so
 * a retried transaction inserts nothing twice; the delivery loop sends the rows after commit.
 */
export async function enqueueNotices(tx: TNoticeTx, notices: TNotice[]): Promise<void> {
  const wanted = notices.filter((n) => n.userIds.length > 0);
  if (wanted.length === 0) return;
  const projects = await tx.project.findMany({
    where: { id: { in: [...new Set(wanted.map((n) => n.projectId))] } },
    select: { id: true, name: true, countyId: true },
  });
  const projectOf = new Map(projects.map((p) => [p.id, p]));
  const userIds = [...new Set(wanted.flatMap((n) => n.userIds))];
  const [users, addresses, channels] = await Promise.all([
    tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } }),
    tx.notificationAddress.findMany({ where: { userId: { in: userIds } } }),
    tx.notificationChannel.findMany({ where: { countyId: { in: [...new Set(projects.map((p) => p.countyId))] }, enabled: true }, orderBy: { id: 'asc' } }),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  const emailOf = new Map(addresses.map((a) => [a.userId, a.email]));

  const rows: Prisma.NotificationCreateManyInput[] = [];
  const deliveries: Prisma.NotificationDeliveryCreateManyInput[] = [];
  for (const n of wanted) {
    const project = projectOf.get(n.projectId);
    const params: TNoticeParams = { projectName: project?.name, ...n.params };
    const { subject, body } = renderZh({ kind: n.kind, title: n.title, params });
    const recipients = [...new Set(n.userIds)];
    for (const userId of recipients) {
      rows.push({
        id: `${n.eventKey}:${userId}`,
        eventKey: n.eventKey,
        userId,
        kind: n.kind,
        countyId: project?.countyId ?? null,
        projectId: n.projectId,
        taskId: n.taskId,
        title: n.title,
        params: params as Prisma.InputJsonValue,
        createdAt: n.at,
      });
    }
    if (!project) continue;
    const common = { countyId: project.countyId, eventKey: n.eventKey, subject, createdAt: n.at, updatedAt: n.at, nextAttemptAt: n.at };
    for (const channel of channels.filter((c) => c.countyId === project.countyId)) {
      if (channel.kind === 'EMAIL') {
        for (const userId of recipients) {
          const email = emailOf.get(userId);
          const notificationId = `${n.eventKey}:${userId}`;
          if (email)
            deliveries.push({
              ...common,
              id: `${channel.id}:${notificationId}`,
              channelId: channel.id,
              kind: channel.kind,
              notificationId,
              recipient: email,
              body,
            });
        }
      } else {
        const names = recipients.map((id) => nameOf.get(id) ?? '').filter(Boolean);
        deliveries.push({
          ...common,
          id: `${channel.id}:${n.eventKey}`,
          channelId: channel.id,
          kind: channel.kind,
          notificationId: `${n.eventKey}:${recipients[0]}`,
          recipient: null,
          body: names.length > 0 ? `${body}\n\n办理人：${names.join('、')}` : body,
        });
      }
    }
  }
  await tx.notification.createMany({ data: rows, skipDuplicates: true });
  if (deliveries.length > 0) await tx.notificationDelivery.createMany({ data: deliveries, skipDuplicates: true });
}
