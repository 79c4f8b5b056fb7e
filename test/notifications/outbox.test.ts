import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalActivities, type TRecordStepChange } from '../../activities/approval-records';
import { deliverDue, startDeliveryLoop, type TDeliveryOptions } from '../../src/notifications/delivery-loop';
import { fanOutNoticeCauses } from '../../src/notifications/notify-step-change';
import { loadConfig } from '../../src/config';
import { PASSED_CHECKS } from '../support/proposal';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { startRobotReceiver, startSmtpServer } from './receivers';

/**
 * Issue #18, notifications: what an approval opens reaches the people concerned in the app, by a
 * real SMTP server and by real HTTP receivers standing in for the DingTalk and WeCom group robots,
 * through the transactional outbox and its delivery loop.
 */
let s: TTestStack;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let dingtalk: Awaited<ReturnType<typeof startRobotReceiver>>;
let wecom: Awaited<ReturnType<typeof startRobotReceiver>>;
const DT_TOKEN = 'dt-access-token-secret';
const DT_SECRET = 'SEC-dingtalk-signing-secret';
const SMTP_PASSWORD = 'smtp-password-secret';
/**
 * The delivery options as a server builds them from its environment (NOTIFY_*, PUBLIC_BASE_URL),
 * so the retries, give-up, lease and timeout these tests observe are the variables' effect.
 */
const optionsFrom = (env: Record<string, string>): TDeliveryOptions => loadConfig({ PUBLIC_BASE_URL: 'https://bangfu.example.gov.cn/', ...env }).notifications;
const OPTIONS = optionsFrom({
  NOTIFY_MAX_ATTEMPTS: '5',
  NOTIFY_BACKOFF_BASE_MS: '150',
  NOTIFY_BACKOFF_MAX_MS: '600',
  NOTIFY_LEASE_MS: '5000',
  NOTIFY_SEND_TIMEOUT_MS: '5000',
});
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 150 });

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, who: string, payload?: object) =>
  s.app.inject({ method, url, payload, headers: { authorization: `Bearer ${s.tokens[who]}` } });

type TItem = { id: string; kind: string; title: string; projectId: string; taskId: string | null; readAt: string | null; params: Record<string, string> };
const notificationsOf = async (who: string) =>
  (await call('GET', '/api/notifications?pageSize=200', who)).json() as { items: TItem[]; unread: number; total: number };

let projectId: string;
let jointTitle: string;

beforeAll(async () => {
  s = await startTestStack();
  [smtp, dingtalk, wecom] = await Promise.all([
    startSmtpServer({ user: 'bangfu', password: SMTP_PASSWORD }),
    startRobotReceiver(),
    startRobotReceiver({ failFirst: 2 }),
  ]);
  const channels = [
    {
      kind: 'EMAIL',
      name: '县政务邮箱',
      config: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bangfu', password: SMTP_PASSWORD, from: 'bangfu@qingshan.gov.cn' },
    },
    { kind: 'DINGTALK', name: '县审批钉钉群', config: { webhookUrl: `${dingtalk.url}/robot/send?access_token=${DT_TOKEN}`, secret: DT_SECRET } },
    { kind: 'WECOM', name: '县审批企业微信群', config: { webhookUrl: `${wecom.url}/cgi-bin/webhook/send?key=wecom-key-secret` } },
  ];
  for (const c of channels) expect((await call('POST', '/api/counties/c-qingshan/notification-channels', 'admin', c)).statusCode).toBe(201);
  for (const who of ['agri', 'leader']) {
    expect((await call('PUT', '/api/notifications/email', who, { email: `${who}@qingshan.gov.cn` })).statusCode).toBe(200);
  }
});
afterAll(async () => {
  await s?.close();
  await Promise.all([smtp?.close(), dingtalk?.close(), wecom?.close()]);
});

describe('county channels', () => {
  it('are configured by the county administrator only, and never answer their secrets', async () => {
    const res = await call('GET', '/api/counties/c-qingshan/notification-channels', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((c: { kind: string }) => c.kind)).toEqual(['EMAIL', 'DINGTALK', 'WECOM']);
    for (const secret of [DT_TOKEN, DT_SECRET, SMTP_PASSWORD, 'wecom-key-secret']) expect(res.body).not.toContain(secret);
    expect(res.json().items[0].config).toMatchObject({ passwordSet: true, host: '127.0.0.1' });
    expect(res.json().items[1].config).toEqual({ webhook: `${dingtalk.url}/robot/send`, secretSet: true });
    // Stored sealed (CHANNEL_SECRETS_KEY): the rows themselves hold no secret either.
    const stored = JSON.stringify(await s.prisma.notificationChannel.findMany({ select: { config: true } }));
    for (const secret of [DT_TOKEN, DT_SECRET, SMTP_PASSWORD, 'wecom-key-secret']) expect(stored).not.toContain(secret);
    expect(stored.match(/sealed:v1:/g)).toHaveLength(4);

    const before = await s.prisma.notificationChannel.count();
    const refused = await call('POST', '/api/counties/c-qingshan/notification-channels', 'finance', {
      kind: 'WECOM',
      name: '另一个群',
      config: { webhookUrl: 'http://127.0.0.1:1/x' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('ROLE_NOT_ALLOWED');
    const badUrl = await call('POST', '/api/counties/c-qingshan/notification-channels', 'admin', {
      kind: 'DINGTALK',
      name: '群',
      config: { webhookUrl: 'file:///etc/passwd' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.details[0].path).toBe('body.config.webhookUrl');
    expect(await s.prisma.notificationChannel.count()).toBe(before);

    // Every change is audited, naming its author and never a secret.
    const audited = await s.prisma.auditEvent.findMany({ where: { action: { startsWith: 'NOTIFICATION' } }, orderBy: { id: 'asc' } });
    expect(audited.map((a) => [a.action, a.actorId])).toEqual([
      ['NOTIFICATION_CHANNEL_CREATED', s.userIds.admin],
      ['NOTIFICATION_CHANNEL_CREATED', s.userIds.admin],
      ['NOTIFICATION_CHANNEL_CREATED', s.userIds.admin],
      ['NOTIFICATION_ADDRESS_SET', s.userIds.agri],
      ['NOTIFICATION_ADDRESS_SET', s.userIds.leader],
    ]);
    expect(JSON.stringify(audited.map((a) => a.details))).not.toContain(DT_TOKEN);
    const renamed = await call('PATCH', `/api/notification-channels/${res.json().items[2].id}`, 'finance', { name: '改名' });
    expect(renamed.statusCode).toBe(403);
    expect((await s.prisma.notificationChannel.findUniqueOrThrow({ where: { id: res.json().items[2].id } })).name).toBe('县审批企业微信群');
  });
});

describe("a person's e-mail address", () => {
  it('refuses an address a mail server would refuse (a label ending in a hyphen, IDNA\'s "--", a label of 64), naming the field, and keeps the one on record', async () => {
    for (const email of ['agri@h-.qingshan.cn', 'agri@ab--cd.cn', `agri@${'a'.repeat(64)}.cn`, 'agri@qingshan']) {
      const res = await call('PUT', '/api/notifications/email', 'agri', { email });
      expect(res.statusCode, email).toBe(400);
      expect(res.json().error.details[0].path).toBe('body.email');
    }
    expect((await call('GET', '/api/notifications/email', 'agri')).json()).toEqual({ email: 'agri@qingshan.gov.cn' });
  });
});

describe('an approval', () => {
  it("puts the next task in the next approvers' notification centre, and the decision in the proposer's", async () => {
    const started = await call('POST', '/api/projects', 'village', { ...sampleProposal({ name: '通知测试茶园' }), requestId: newRequestId() });
    expect(started.statusCode).toBe(201);
    ({ projectId } = started.json() as { projectId: string });
    const { taskId } = started.json() as { taskId: string };

    // The township reviewer is told of the review, and of the village's urge.
    await poll(async () => (await notificationsOf('township')).items.filter((n) => n.projectId === projectId).map((n) => n.kind)).toEqual(['TASK_OPENED']);
    expect(
      (await call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, 'village', { action: 'urge', comment: '请尽快审核', requestId: newRequestId() }))
        .statusCode,
    ).toBe(200);
    await poll(async () => (await notificationsOf('township')).items.filter((n) => n.projectId === projectId).map((n) => n.kind)).toEqual([
      'TASK_URGED',
      'TASK_OPENED',
    ]);
    const urged = (await notificationsOf('township')).items.find((n) => n.kind === 'TASK_URGED' && n.projectId === projectId)!;
    expect(urged.params).toMatchObject({ projectName: '通知测试茶园', actorName: '桃源村两委 王村长' });

    const decided = await call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, 'township', {
      action: 'approve',
      comment: '同意',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(decided.statusCode, decided.body).toBe(200);

    // The joint review's countersigners each find their task; the other township's reviewer nothing.
    await poll(async () => (await notificationsOf('agri')).items.filter((n) => n.projectId === projectId && n.kind === 'TASK_OPENED').length).toBe(1);
    const agri = (await notificationsOf('agri')).items.find((n) => n.projectId === projectId)!;
    const task = await s.prisma.task.findUniqueOrThrow({ where: { id: agri.taskId! } });
    expect(task).toMatchObject({ projectId, status: 'PENDING', candidateRole: 'COUNTY_AGRICULTURE' });
    jointTitle = task.title;
    expect(agri.title).toBe(jointTitle);
    await poll(async () => (await notificationsOf('finance')).items.filter((n) => n.projectId === projectId && n.kind === 'TASK_OPENED').length).toBe(1);
    expect((await notificationsOf('township2')).items.filter((n) => n.projectId === projectId)).toEqual([]);
    const village = (await notificationsOf('village')).items.filter((n) => n.projectId === projectId);
    expect(village.map((n) => [n.kind, n.params.action])).toEqual([['DECISION', 'approve']]);

    // Read: the bell's count goes down by one, and only for its reader.
    const unread = (await notificationsOf('agri')).unread;
    expect((await call('POST', '/api/notifications/read', 'agri', { ids: [agri.id] })).json()).toEqual({ marked: 1 });
    expect((await call('GET', '/api/notifications/unread-count', 'agri')).json()).toEqual({ unread: unread - 1 });
    expect((await call('POST', '/api/notifications/read', 'finance', { ids: [agri.id] })).json()).toEqual({ marked: 0 });
    expect(await s.prisma.notification.findUniqueOrThrow({ where: { id: agri.id } })).toMatchObject({ userId: s.userIds.agri });
    const reads = await s.prisma.auditEvent.findMany({ where: { action: 'NOTIFICATIONS_READ' }, orderBy: { id: 'asc' } });
    expect(reads.map((a) => [a.actorId, a.details])).toEqual([
      [s.userIds.agri, { count: 1 }],
      [s.userIds.finance, { count: 0 }],
    ]);
  });

  it('reaches the SMTP server as a mail to the approver and the DingTalk group as a signed markdown message', async () => {
    const loop = startDeliveryLoop({ prisma: s.prisma, options: OPTIONS, pollMs: loadConfig({ NOTIFY_POLL_MS: '100' }).notifications.pollMs });
    try {
      const subject = `【帮扶】新待办：${jointTitle}`;
      await poll(() => Promise.resolve(smtp.mails.filter((m) => m.subject === subject).map((m) => m.to))).toEqual([['agri@qingshan.gov.cn']]);
      expect(smtp.mails.find((m) => m.subject === subject)!.from).toBe('bangfu@qingshan.gov.cn');

      // One message per task opened: the two countersigners' tasks, each naming its signer.
      await poll(() => Promise.resolve(dingtalk.requests.filter((r) => r.body.markdown?.title === subject).length)).toBe(2);
      const messages = dingtalk.requests.filter((r) => r.body.markdown?.title === subject);
      expect(messages.map((m) => /办理人：([^\n]+)/.exec(m.body.markdown!.text!)?.[1]).sort()).toEqual(['县农业农村局 刘科长', '县财政局 陈科长'].sort());
      const message = messages[0]!;
      expect(message.path).toBe('/robot/send');
      expect(Object.keys(message.body)).toEqual(['msgtype', 'markdown']);
      expect(message.body.msgtype).toBe('markdown');
      expect(Object.keys(message.body.markdown!)).toEqual(['title', 'text']);
      expect(message.body.markdown!.text).toContain('通知测试茶园');
      expect(message.body.markdown!.text).toContain('https://bangfu.example.gov.cn/app/tasks/');
      // 加签: the signature DingTalk checks, over the timestamp and the secret.
      expect(message.query.get('access_token')).toBe(DT_TOKEN);
      const timestamp = message.query.get('timestamp')!;
      expect(message.query.get('sign')).toBe(crypto.createHmac('sha256', DT_SECRET).update(`${timestamp}\n${DT_SECRET}`).digest('base64'));
      expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);

      // WeCom's markdown shape.
      await poll(() => Promise.resolve(wecom.requests.some((r) => r.body.markdown?.content?.includes(subject)))).toBe(true);
      await poll(() => s.prisma.notificationDelivery.count({ where: { status: 'PENDING' } })).toBe(0);
    } finally {
      await loop.stop();
    }
  });

  it('retries a failing receiver with backoff, and the delivery log shows every attempt', async () => {
    // The WeCom receiver answered its first two requests with a 500.
    const res = await call('GET', '/api/notification-deliveries?countyId=c-qingshan&pageSize=200', 'monitor');
    expect(res.statusCode).toBe(200);
    type TLog = { attempt: number; ok: boolean; error: string | null; at: string };
    const deliveries = (res.json().items as Array<{ kind: string; status: string; attempts: number; lastError: string | null; log: TLog[] }>).filter(
      (d) => d.kind === 'WECOM',
    );
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 'SENT' && d.lastError === null)).toBe(true);
    const failed = deliveries.flatMap((d) => d.log.filter((a) => !a.ok));
    expect(failed).toHaveLength(2);
    expect(failed.every((a) => a.error === 'HTTP 500: receiver down')).toBe(true);
    for (const d of deliveries) {
      expect(d.log.map((a) => a.attempt)).toEqual(d.log.map((_, i) => i + 1));
      expect(d.attempts).toBe(d.log.length);
      expect(d.log.at(-1)!.ok).toBe(true);
      for (let i = 1; i < d.log.length; i += 1) {
        // Each retry waited at least the backoff (150 ms, then 300 ms).
        expect(Date.parse(d.log[i]!.at) - Date.parse(d.log[i - 1]!.at)).toBeGreaterThanOrEqual(OPTIONS.baseMs * 2 ** (i - 1) - 5);
      }
    }
    expect(wecom.requests).toHaveLength(deliveries.reduce((n, d) => n + d.attempts, 0));
    // A village committee does not read the county's delivery log.
    expect((await call('GET', '/api/notification-deliveries?countyId=c-qingshan', 'village')).statusCode).toBe(403);
  });

  it('gives a delivery up after the last attempt, keeping its error', async () => {
    const down = await startRobotReceiver({ failFirst: 1_000 });
    await withWecomChannel('坏掉的群', down, async (channelId) => {
      await createApprovalActivities({ prisma: s.prisma }).recordStepChange(stepOpening('give-up', '领导小组审批（放弃）'));
      const options = optionsFrom({ NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_BACKOFF_BASE_MS: '0', NOTIFY_BACKOFF_MAX_MS: '0' });
      await poll(async () => {
        await deliverDue(s.prisma, options);
        return s.prisma.notificationDelivery.findMany({ where: { channelId }, select: { status: true, attempts: true, lastError: true } });
      }).toEqual([{ status: 'FAILED', attempts: 3, lastError: 'HTTP 500: receiver down' }]);
      expect(down.requests).toHaveLength(3);
    });
  });

  it('gives up on a receiver that never answers after NOTIFY_SEND_TIMEOUT_MS, and retries it', async () => {
    const silent = await startRobotReceiver({ silent: true });
    await withWecomChannel('不回话的群', silent, async (channelId) => {
      await createApprovalActivities({ prisma: s.prisma }).recordStepChange(stepOpening('silent', '领导小组审批（无应答）'));
      const options = optionsFrom({ NOTIFY_SEND_TIMEOUT_MS: '300', NOTIFY_BACKOFF_BASE_MS: '0', NOTIFY_BACKOFF_MAX_MS: '0', NOTIFY_MAX_ATTEMPTS: '2' });
      const started = Date.now();
      await poll(async () => {
        await deliverDue(s.prisma, options);
        return s.prisma.notificationDelivery.findMany({ where: { channelId }, select: { status: true, attempts: true } });
      }).toEqual([{ status: 'FAILED', attempts: 2 }]);
      // Two attempts cut at 0.3 s each, not the 10 s default.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(silent.requests).toHaveLength(2);
      const deliveries = await s.prisma.notificationDelivery.findMany({ where: { channelId }, select: { id: true } });
      const attempts = await s.prisma.notificationAttempt.findMany({ where: { deliveryId: { in: deliveries.map((d) => d.id) } }, select: { error: true } });
      expect(attempts).toHaveLength(2);
      for (const a of attempts) expect(a.error).toMatch(/tim(e|ed) ?out|abort/i);
    });
  });
});

/** Runs `body` with a county WeCom channel posting to `receiver`, then switches the channel off and closes the receiver. */
async function withWecomChannel(name: string, receiver: { url: string; close(): Promise<void> }, body: (channelId: string) => Promise<void>) {
  const created = await call('POST', '/api/counties/c-qingshan/notification-channels', 'admin', {
    kind: 'WECOM',
    name,
    config: { webhookUrl: `${receiver.url}/x` },
  });
  const channelId = (created.json() as { id: string }).id;
  try {
    await body(channelId);
  } finally {
    await call('PATCH', `/api/notification-channels/${channelId}`, 'admin', { enabled: false });
    await receiver.close();
  }
}

/** A change of an approval step opening one task for the leading group (as the workflow records it). */
function stepOpening(key: string, title: string): TRecordStepChange {
  const id = `${projectId}:${key}`;
  return {
    at: Date.now(),
    rows: [
      {
        id,
        projectId,
        workflowId: `project-${projectId}`,
        stepId: key,
        mode: 'ANY_ONE',
        kind: 'COUNTY_APPROVAL',
        title,
        candidateRole: 'COUNTY_LEADING_GROUP',
        candidateOrgUnitId: 'c-qingshan',
        candidateOrgPath: '/c-qingshan/',
        candidateUserId: null,
        status: 'PENDING',
        outcome: null,
        claimedBy: null,
        assigneeId: null,
        dueAt: null,
      },
    ],
    audit: {
      eventKey: `step-activated:${id}`,
      entityType: 'ApprovalStep',
      actorId: null,
      role: null,
      orgUnitId: null,
      action: 'STEP_ACTIVATED',
      taskId: id,
      requestId: `activate-${key}`,
      comment: null,
      details: { stepId: key, mode: 'ANY_ONE', candidates: [] },
    },
    decision: null,
    cc: null,
    urgedTaskIds: [],
    remindedTaskIds: [],
    escalatedTaskIds: [],
  };
}

describe('once only', () => {
  it('a retried record inserts no notification or delivery twice, and two loops never send the same one', async () => {
    const record = createApprovalActivities({ prisma: s.prisma }).recordStepChange;
    const change = stepOpening('retry', '领导小组审批（重试）');
    await record(change);
    await record(change);
    // The record stores one cause however often it is retried; the fan-out (the app's loop may get
    // there first) turns it into the notifications once and deletes it.
    await fanOutNoticeCauses(s.prisma, 1000);
    expect(await s.prisma.notificationCause.count({ where: { id: change.audit.eventKey } })).toBe(0);
    // A retry after the fan-out (the audit event exists) stores no cause again.
    await record(change);
    expect(await s.prisma.notificationCause.count({ where: { id: change.audit.eventKey } })).toBe(0);
    const eventKey = `step-activated:${projectId}:retry:opened:${projectId}:retry`;
    expect(await s.prisma.notification.findMany({ where: { eventKey }, select: { userId: true } })).toEqual([{ userId: s.userIds.leader }]);
    const deliveries = await s.prisma.notificationDelivery.findMany({ where: { eventKey, status: 'PENDING' }, select: { kind: true } });
    expect(deliveries.map((d) => d.kind).sort()).toEqual(['DINGTALK', 'EMAIL', 'WECOM']);

    // Two processes' loops at once: each row is claimed by one of them.
    const subject = '【帮扶】新待办：领导小组审批（重试）';
    const loops = [1, 2].map(() => startDeliveryLoop({ prisma: s.prisma, options: OPTIONS, pollMs: 20 }));
    try {
      await poll(() => s.prisma.notificationDelivery.count({ where: { eventKey, status: 'SENT' } })).toBe(3);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
    }
    expect(smtp.mails.filter((m) => m.subject === subject).map((m) => m.to)).toEqual([['leader@qingshan.gov.cn']]);
    expect(dingtalk.requests.filter((r) => r.body.markdown?.title === subject)).toHaveLength(1);
    expect(wecom.requests.filter((r) => r.body.markdown?.content?.includes(subject))).toHaveLength(1);
    expect(
      await s.prisma.notificationAttempt.count({
        where: { deliveryId: { in: (await s.prisma.notificationDelivery.findMany({ where: { eventKey } })).map((d) => d.id) } },
      }),
    ).toBe(3);
  });

  it('a row leased by a process that died is sent by another once the lease runs out, and once', async () => {
    await createApprovalActivities({ prisma: s.prisma }).recordStepChange(stepOpening('crash', '领导小组审批（接管）'));
    await fanOutNoticeCauses(s.prisma, 1000);
    const eventKey = `step-activated:${projectId}:crash:opened:${projectId}:crash`;
    // The dead process claimed them (its attempt counted) and never came back.
    await s.prisma.notificationDelivery.updateMany({
      where: { eventKey },
      data: { leaseToken: 'dead-process', leaseUntil: new Date(Date.now() + 1_500), attempts: 1 },
    });
    await deliverDue(s.prisma, OPTIONS);
    expect(await s.prisma.notificationDelivery.count({ where: { eventKey, status: 'PENDING', leaseToken: 'dead-process' } })).toBe(3);
    await new Promise((r) => setTimeout(r, 1_600));
    await poll(async () => {
      await deliverDue(s.prisma, OPTIONS);
      return s.prisma.notificationDelivery.findMany({ where: { eventKey }, select: { status: true, attempts: true }, orderBy: { kind: 'asc' } });
    }).toEqual([
      { status: 'SENT', attempts: 2 },
      { status: 'SENT', attempts: 2 },
      { status: 'SENT', attempts: 2 },
    ]);
    expect(smtp.mails.filter((m) => m.subject === '【帮扶】新待办：领导小组审批（接管）')).toHaveLength(1);
  });
});
