import crypto from 'node:crypto';
import type { TEmailChannelConfig, TRobotChannelConfig } from './channel-config';

/**
 * A channel's secrets (the SMTP password, the robot's webhook URL, whose query is its access token,
 * and DingTalk's signing secret) are stored sealed with AES-256-GCM under CHANNEL_SECRETS_KEY, so a
 * database dump, a backup or a `psql` session does not hand out the county's mail account or let
 * anyone post into its groups. Only the delivery loop opens them, just before sending.
 *
 * A sealed value is `sealed:v1:<iv>:<tag>:<ciphertext>` (base64url); GCM's tag makes a value
 * changed in the database, or opened with another key, fail loudly instead of sending garbage.
 * A value without the prefix is a row written before sealing existed: it is read as it is and
 * sealed the next time its channel's config is replaced.
 */
const PREFIX = 'sealed:v1:';

export class ChannelSecretError extends Error {}

/** The 32-byte key from its configured base64 form. */
export function channelKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new ChannelSecretError('CHANNEL_SECRETS_KEY must be 32 bytes, base64-encoded');
  return key;
}

export function seal(plain: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
}

export function open(stored: string, key: Buffer): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const [iv, tag, body] = stored.slice(PREFIX.length).split(':');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new ChannelSecretError('a channel secret cannot be opened with this CHANNEL_SECRETS_KEY (another key, or the stored value was changed)');
  }
}

const SECRET_FIELDS: Record<string, readonly string[]> = { EMAIL: ['password'], DINGTALK: ['webhookUrl', 'secret'], WECOM: ['webhookUrl'] };

/**
 * The config as stored: its secret fields sealed. A robot's webhook also keeps its scheme, host and
 * path in the clear (`webhook`), which is all the API shows of it.
 */
export function sealChannelConfig(kind: string, config: TEmailChannelConfig | TRobotChannelConfig, key: Buffer): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...config };
  if ('webhookUrl' in config) {
    const url = new URL(config.webhookUrl);
    stored.webhook = `${url.origin}${url.pathname}`;
  }
  for (const field of SECRET_FIELDS[kind] ?? []) {
    const value = stored[field];
    if (typeof value === 'string') stored[field] = seal(value, key);
  }
  return stored;
}

/** The config the sender needs, secrets opened; throws ChannelSecretError under another key. */
export function openChannelConfig(kind: string, stored: unknown, key: Buffer): unknown {
  const config: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const field of SECRET_FIELDS[kind] ?? []) {
    const value = config[field];
    if (typeof value === 'string') config[field] = open(value, key);
  }
  delete config.webhook;
  return config;
}
