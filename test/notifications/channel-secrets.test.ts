import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelSecretError, channelKey, open, openChannelConfig, seal, sealChannelConfig } from '../../src/notifications/channel-secrets';
import { publicChannelConfig } from '../../src/notifications/channel-config';

const key = crypto.randomBytes(32);
const otherKey = crypto.randomBytes(32);

describe('channel secrets sealed with AES-256-GCM', () => {
  it('opens what it sealed, and each sealing differs (a fresh IV)', () => {
    const a = seal('smtp-password-secret', key);
    const b = seal('smtp-password-secret', key);
    expect(a).not.toBe(b);
    expect(a).not.toContain('smtp-password-secret');
    expect(open(a, key)).toBe('smtp-password-secret');
    expect(open(b, key)).toBe('smtp-password-secret');
  });

  it('refuses another key and a changed value instead of returning garbage', () => {
    const sealed = seal('SEC-dingtalk', key);
    expect(() => open(sealed, otherKey)).toThrow(ChannelSecretError);
    const body = sealed.slice(sealed.lastIndexOf(':') + 1);
    const flipped = `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => open(flipped, key)).toThrow(ChannelSecretError);
  });

  it('reads a value stored before sealing as it is', () => {
    expect(open('plain-old-password', key)).toBe('plain-old-password');
  });

  it('seals the secret fields of each kind only, and the API view of a stored robot shows the webhook without its token', () => {
    const email = { host: 'smtp.qingshan.gov.cn', port: 465, secure: true, user: 'bangfu', password: 'pw-secret', from: 'bangfu@qingshan.gov.cn' };
    const storedEmail = sealChannelConfig('EMAIL', email, key);
    expect(storedEmail).toMatchObject({ host: 'smtp.qingshan.gov.cn', port: 465, user: 'bangfu' });
    expect(JSON.stringify(storedEmail)).not.toContain('pw-secret');
    expect(openChannelConfig('EMAIL', storedEmail, key)).toEqual(email);

    const robot = { webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok-secret', secret: 'SEC-secret' };
    const storedRobot = sealChannelConfig('DINGTALK', robot, key);
    expect(JSON.stringify(storedRobot)).not.toMatch(/tok-secret|SEC-secret/);
    expect(publicChannelConfig('DINGTALK', storedRobot)).toEqual({ webhook: 'https://oapi.dingtalk.com/robot/send', secretSet: true });
    expect(openChannelConfig('DINGTALK', storedRobot, key)).toEqual(robot);
    expect(() => openChannelConfig('DINGTALK', storedRobot, otherKey)).toThrow(ChannelSecretError);
  });

  it('takes only a 32-byte key', () => {
    expect(channelKey(key.toString('base64'))).toEqual(key);
    expect(() => channelKey(crypto.randomBytes(16).toString('base64'))).toThrow(ChannelSecretError);
  });
});
