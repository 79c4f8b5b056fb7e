import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrl, loadConfig } from '../../src/config';

describe('config', () => {
  it('defaults to the embedded stack', () => {
    const c = loadConfig({});
    expect(c.database.embedded).toBe(true);
    expect(databaseUrl(c)).toBe('postgresql://postgres:postgres@127.0.0.1:54329/postgres?sslmode=disable');
    expect(c.temporal.address).toBeUndefined();
    expect(c.http.port).toBe(3000);
    expect(c.demo.seed).toBe(true);
  });

  it('names the offending variable when a setting is invalid', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'no-port' })).toThrow(/TEMPORAL_ADDRESS/);
    expect(() => loadConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(ConfigError);
  });

  it('refuses demo accounts in production and turns them off there by default', () => {
    const secret = { SESSION_COOKIE_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig({ ...secret, NODE_ENV: 'production', DEMO_SEED: 'true' })).toThrow(/DEMO_SEED/);
    expect(loadConfig({ ...secret, NODE_ENV: 'production' }).demo.seed).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_COOKIE_SECRET/);
  });

  it('uses a real cluster with TLS when an API key is given', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' });
    expect(c.temporal.address).toBe('ns.acct.tmprl.cloud:7233');
    expect(c.temporal.tls).not.toBe(false);
    expect(c.temporal.namespace).toBe('ns.acct');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.embedded).toBe(true);
  });
});
