import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrl, DEFAULT_MAX_CACHED_WORKFLOWS, loadConfig } from '../../src/config';

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
    const secret = { SESSION_COOKIE_SECRET: 'x'.repeat(32), CHANNEL_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(() => loadConfig({ ...secret, NODE_ENV: 'production', DEMO_SEED: 'true' })).toThrow(/DEMO_SEED/);
    expect(loadConfig({ ...secret, NODE_ENV: 'production' }).demo.seed).toBe(false);
    expect(() => loadConfig({ CHANNEL_SECRETS_KEY: secret.CHANNEL_SECRETS_KEY, NODE_ENV: 'production' })).toThrow(/SESSION_COOKIE_SECRET/);
  });

  it('needs its own key for the channel secrets in production, 32 bytes in base64', () => {
    const session = { SESSION_COOKIE_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig({ ...session, NODE_ENV: 'production' })).toThrow(/CHANNEL_SECRETS_KEY: required/);
    expect(() => loadConfig({ CHANNEL_SECRETS_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/CHANNEL_SECRETS_KEY/);
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ ...session, NODE_ENV: 'production', CHANNEL_SECRETS_KEY: key }).notifications.channelKey).toBe(key);
    // Elsewhere the development key, so sealing runs the same way in every environment.
    expect(Buffer.from(loadConfig({}).notifications.channelKey, 'base64')).toHaveLength(32);
  });

  it('uses a real cluster with TLS when an API key is given', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' });
    expect(c.temporal.address).toBe('ns.acct.tmprl.cloud:7233');
    expect(c.temporal.tls).not.toBe(false);
    expect(c.temporal.namespace).toBe('ns.acct');
  });

  it("sizes the worker's workflow cache from TEMPORAL_MAX_CACHED_WORKFLOWS, 1000 by default", () => {
    // ~3.3 MiB per cached project workflow: the SDK's heap-derived default (~2,300 on 4 GiB) runs out of memory.
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBe(1000);
    expect(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '250' }).temporal.maxCachedWorkflows).toBe(250);
    expect(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '0' }).temporal.maxCachedWorkflows).toBe(0);
    expect(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '' }).temporal.maxCachedWorkflows).toBe(1000);
    for (const bad of ['lots', '-1', '1.5', '100001']) {
      expect(() => loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: bad }), bad).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS/);
    }
  });

  it('leaves tracing off unless OTEL_TRACES_EXPORTER asks for console or otlp', () => {
    expect(loadConfig({}).tracing).toEqual({ exporter: 'none', otlpEndpoint: 'http://localhost:4318', serviceName: undefined });
    const otlp = loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'bangfu-a' });
    expect(otlp.tracing).toEqual({ exporter: 'otlp', otlpEndpoint: 'http://collector:4318', serviceName: 'bangfu-a' });
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.embedded).toBe(true);
  });
});
