import net from 'node:net';

export interface TBackend {
  host: string;
  port: number;
}

export interface TTcpBalancer {
  port: number;
  close(): Promise<void>;
}

/**
 * One port in front of several API server processes (`npm start` with SERVERS > 1), as a layer-4
 * load balancer does in production: each client connection goes to the next backend in turn, and a
 * backend that refuses the connection (dead, restarting) is skipped for the next one, so a killed
 * server costs no request that had not reached it yet. Connections, not requests, are balanced:
 * a keep-alive connection stays on its server.
 */
export async function startTcpBalancer(opts: { host: string; port: number; backends: TBackend[] }): Promise<TTcpBalancer> {
  if (opts.backends.length === 0) throw new Error('a balancer needs at least one backend');
  let next = 0;
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    client.pause();
    client.on('error', () => undefined);
    // This connection's turn: the next backend, then each of the others once.
    const first = next++;
    let tries = 0;
    const attempt = () => {
      const backend = opts.backends[(first + tries) % opts.backends.length]!;
      const upstream = net.connect(backend.port, backend.host);
      track(upstream);
      const refused = () => {
        upstream.destroy();
        if (++tries < opts.backends.length && !client.destroyed) attempt();
        else client.destroy();
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
