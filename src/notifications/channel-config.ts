import { z } from 'zod';

/**
 * A county's channels and what each needs. The secrets (SMTP password, the robot's webhook URL,
 * whose query holds its access token, and DingTalk's signing secret) are stored, never answered:
 * `publicChannelConfig` is all the API shows.
 */
const ZWebhookUrl = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * An e-mail address a mail server will take: a local part of up to three dot-separated words of
 * 1–20 characters, and a domain of up to three labels (letters and digits, up to two single inner
 * hyphens; so never a trailing hyphen, nor IDNA's reserved `--`) before a top-level domain. Zod's default pattern lets a label end in a hyphen or run past 63
 * characters, which RFC-strict checkers (and SMTP servers) refuse: an address we accepted and
 * answered back was invalid. No lookahead, so generators of the OpenAPI pattern can use it too.
 */
const EMAIL_ADDRESS = /^(?:[A-Za-z0-9_'+-]{1,20}\.){0,2}[A-Za-z0-9_'+-]{1,20}@(?:[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){0,2}\.){1,3}[A-Za-z]{2,63}$/;
export const ZEmailAddress = z.email({ pattern: EMAIL_ADDRESS }).max(254);

export const ZEmailChannelConfig = z.strictObject({
  host: z.string().trim().min(1).max(255),
  port: z.int().min(1).max(65535),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().max(255).optional(),
  password: z.string().max(1000).optional(),
  from: ZEmailAddress,
});
export const ZRobotChannelConfig = z.strictObject({
  webhookUrl: ZWebhookUrl,
  /** DingTalk's 加签 secret (SEC…): each message is signed with it. */
  secret: z.string().max(200).optional(),
});

export const ZChannelInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('EMAIL'), name: z.string().trim().min(1).max(100), enabled: z.boolean().default(true), config: ZEmailChannelConfig }),
  z.object({ kind: z.literal('DINGTALK'), name: z.string().trim().min(1).max(100), enabled: z.boolean().default(true), config: ZRobotChannelConfig }),
  z.object({
    kind: z.literal('WECOM'),
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean().default(true),
    config: ZRobotChannelConfig.omit({ secret: true }),
  }),
]);
export type TChannelInput = z.infer<typeof ZChannelInput>;
export type TChannelKind = TChannelInput['kind'];
export type TEmailChannelConfig = z.infer<typeof ZEmailChannelConfig>;
export type TRobotChannelConfig = z.infer<typeof ZRobotChannelConfig>;

export const ZPublicChannelConfig = z.object({
  host: z.string().optional(),
  port: z.int().optional(),
  secure: z.boolean().optional(),
  user: z.string().optional(),
  from: z.string().optional(),
  passwordSet: z.boolean().optional(),
  webhook: z.string().optional().describe("the webhook's scheme, host and path; its query (the access token) is never shown"),
  secretSet: z.boolean().optional(),
});

/** What the API may show of a channel's config. */
export function publicChannelConfig(kind: string, config: unknown): z.infer<typeof ZPublicChannelConfig> {
  if (kind === 'EMAIL') {
    const c = config as TEmailChannelConfig;
    return { host: c.host, port: c.port, secure: c.secure, user: c.user, from: c.from, passwordSet: Boolean(c.password) };
  }
  // Stored rows keep the webhook's shown part in the clear (channel-secrets.ts); older rows only the URL.
  const c = config as TRobotChannelConfig & { webhook?: string };
  if (c.webhook !== undefined) return { webhook: c.webhook, secretSet: Boolean(c.secret) };
  const url = new URL(c.webhookUrl);
  return { webhook: `${url.origin}${url.pathname}`, secretSet: Boolean(c.secret) };
}
