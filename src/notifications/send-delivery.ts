import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { TEmailChannelConfig, TRobotChannelConfig } from './channel-config';

/** What one delivery sends: rendered when the notice was written. */
export interface TOutgoing {
  id: string;
  kind: string;
  recipient: string | null;
  subject: string;
  body: string;
  /** The task or project page, when the deployment has a public address (PUBLIC_BASE_URL). */
  link: string | null;
}

/** Thrown for a refusal worth logging as it is (a robot's errcode, an HTTP status). */
export class DeliveryError extends Error {}

const withLink = (o: TOutgoing) => (o.link ? `${o.body}\n\n${o.link}` : o.body);

/**
 * One e-mail over SMTP. The Message-ID is derived from the delivery's id, so should a crash between
 * sending and recording make the loop send it again, the mail system sees the same message.
 */
async function sendEmail(config: TEmailChannelConfig, o: TOutgoing, timeoutMs: number): Promise<void> {
  if (!o.recipient) throw new DeliveryError('no recipient address');
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const hash = crypto.createHash('sha256').update(o.id).digest('hex').slice(0, 32);
    await transport.sendMail({
      from: config.from,
      to: o.recipient,
      subject: o.subject,
      text: withLink(o),
      messageId: `<${hash}@bangfu.notifications>`,
      headers: { 'X-Bangfu-Delivery': o.id },
    });
  } finally {
    transport.close();
  }
}

/** DingTalk 加签: HMAC-SHA256 over "<timestamp>\n<secret>", Base64, appended to the webhook. */
function signedDingTalkUrl(config: TRobotChannelConfig, now: number): string {
  if (!config.secret) return config.webhookUrl;
  const sign = crypto.createHmac('sha256', config.secret).update(`${now}\n${config.secret}`).digest('base64');
  const url = new URL(config.webhookUrl);
  url.searchParams.set('timestamp', String(now));
  url.searchParams.set('sign', sign);
  return url.toString();
}

/** The group robots' markdown messages (DingTalk: title + text; WeCom: content). */
export function robotMessage(kind: string, o: TOutgoing): object {
  const text = `#### ${o.subject}\n\n${withLink(o).replaceAll('\n', '\n\n')}`;
  if (kind === 'DINGTALK') return { msgtype: 'markdown', markdown: { title: o.subject, text } };
  return { msgtype: 'markdown', markdown: { content: text } };
}

/** A robot's webhook: a 2xx with `errcode: 0` is delivered; anything else is an error to retry. */
async function sendRobot(kind: string, config: TRobotChannelConfig, o: TOutgoing, timeoutMs: number): Promise<void> {
  const url = kind === 'DINGTALK' ? signedDingTalkUrl(config, Date.now()) : config.webhookUrl;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(robotMessage(kind, o)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  let answer: { errcode?: number; errmsg?: string } | null = null;
  try {
    answer = JSON.parse(text) as { errcode?: number; errmsg?: string };
  } catch {
    throw new DeliveryError(`not a robot answer: ${text.slice(0, 200)}`);
  }
  if (answer?.errcode !== 0) throw new DeliveryError(`errcode ${answer?.errcode}: ${answer?.errmsg ?? ''}`);
}

export async function sendDelivery({ kind, config, outgoing, timeoutMs }: { kind: string; config: unknown; outgoing: TOutgoing; timeoutMs: number }) {
  if (kind === 'EMAIL') return sendEmail(config as TEmailChannelConfig, outgoing, timeoutMs);
  if (kind === 'DINGTALK' || kind === 'WECOM') return sendRobot(kind, config as TRobotChannelConfig, outgoing, timeoutMs);
  throw new DeliveryError(`unknown channel kind ${kind}`);
}
