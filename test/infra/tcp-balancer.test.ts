/**
 * The balancer `npm start` puts in front of several API servers (SERVERS > 1): connections go to
 * the servers in turn, a dead server is skipped without losing the request, and with every server
 * down the client's connection is closed rather than left hanging.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpBalancer, type TTcpBalancer } from '../../src/infra/tcp-balancer';

const servers: http.Server[] = [];
let balancer: TTcpBalancer | undefined;

async function namedServer(name: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => res.end(name));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** One request on a connection of its own (no keep-alive: the balancer balances connections). */
const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });

const close = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

afterEach(async () => {
  await balancer?.close();
  await Promise.all(
    servers
      .splice(0)
      .filter((s) => s.listening)
      .map(close),
  );
});

describe('tcp balancer', () => {
  it('sends connections to the servers in turn', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    balancer = await startTcpBalancer({ host: '127.0.0.1', port: 0, backends: [a, b].map(({ port }) => ({ host: '127.0.0.1', port })) });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await get(balancer.port));
    expect(answers).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('skips a dead server: every request is answered by the live one', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    balancer = await startTcpBalancer({ host: '127.0.0.1', port: 0, backends: [a, b].map(({ port }) => ({ host: '127.0.0.1', port })) });
    await close(a.server);
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(balancer!.port)));
    expect(answers).toEqual(Array.from({ length: 8 }, () => 'b'));
  });

  it('closes the connection when no server is up', async () => {
    const a = await namedServer('a');
    balancer = await startTcpBalancer({ host: '127.0.0.1', port: 0, backends: [{ host: '127.0.0.1', port: a.port }] });
    await close(a.server);
    await expect(get(balancer.port)).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
