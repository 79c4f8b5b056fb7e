import net from 'node:net';

/**
 * A loopback TCP proxy in front of PostgreSQL for fault tests. It forwards bytes untouched, and
 * on command it:
 * - cuts the database off: destroys every open connection and resets each new one (the client
 *   sees ECONNRESET / "Connection terminated") until restored;
 * - springs a trap on the SQL a client sends: when a connection sends text matching `when` (and,
 *   with `then`, later text matching that too), it withholds either that request or the server's
 *   answer to it, and reports it. A test then acts at a known point inside an activity, e.g. kills
 *   the worker after its transaction has committed but before it heard so.
 */
export interface TTrap {
  /** The first SQL text that arms the trap (e.g. the INSERT of a Decision). */
  when: RegExp;
  /** Later SQL text on the same connection that springs it (e.g. COMMIT); without it `when` springs it. */
  then?: RegExp;
  /** 'request': the matching bytes never reach the server. 'response': they do, the answer never comes back. */
  hold: 'request' | 'response';
}

export interface TTcpProxy {
  port: number;
  /** The same URL with the proxy's host and port. */
  via(url: string): string;
  cut(): void;
  restore(): void;
  readonly isCut: boolean;
  /** Resolves once the trap has sprung (for 'response', once the server's answer was withheld). */
  trap(trap: TTrap): Promise<void>;
  /** Connections accepted and forwarded, reset while cut, and destroyed by a cut. */
  stats: { forwarded: number; resetWhileCut: number; destroyedByCut: number };
  close(): Promise<void>;
}

interface TConn {
  client: net.Socket;
  upstream: net.Socket;
  holdRequests: boolean;
  holdResponses: boolean;
  onHeldResponse?: (chunk: Buffer) => void;
}

interface TArmedTrap extends TTrap {
  /** Per connection: SQL seen since `when` matched (or since arming, before it matched). */
  seen: Map<TConn, { armed: boolean; text: string }>;
  spring(conn: TConn): void;
}

const TEXT_WINDOW = 64 * 1024;

export async function startTcpProxy(target: { host: string; port: number }): Promise<TTcpProxy> {
  const conns = new Set<TConn>();
  const traps = new Set<TArmedTrap>();
  const stats = { forwarded: 0, resetWhileCut: 0, destroyedByCut: 0 };
  let cut = false;

  const drop = (conn: TConn) => {
    conns.delete(conn);
    conn.client.destroy();
    conn.upstream.destroy();
  };

  /** Springs the first trap this chunk completes, which then holds the request or the answer. */
  const checkTraps = (conn: TConn, chunk: Buffer) => {
    // A connection is held by one trap at most: the first to spring on it.
    if (conn.holdRequests || conn.holdResponses) return;
    for (const trap of traps) {
      const state = trap.seen.get(conn) ?? { armed: false, text: '' };
      state.text = (state.text + chunk.toString('latin1')).slice(-TEXT_WINDOW);
      trap.seen.set(conn, state);
      if (!state.armed && trap.when.test(state.text)) {
        state.armed = true;
        state.text = '';
        if (trap.then) continue;
      } else if (!(state.armed && trap.then?.test(state.text))) {
        continue;
      }
      traps.delete(trap);
      trap.spring(conn);
      return;
    }
  };

  const server = net.createServer((client) => {
    if (cut) {
      stats.resetWhileCut += 1;
      client.resetAndDestroy();
      return;
    }
    stats.forwarded += 1;
    const upstream = net.connect(target);
    const conn: TConn = { client, upstream, holdRequests: false, holdResponses: false };
    conns.add(conn);
    client.on('data', (chunk) => {
      checkTraps(conn, chunk);
      if (!conn.holdRequests) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (conn.holdResponses) conn.onHeldResponse?.(chunk);
      else client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => drop(conn));
      socket.on('close', () => drop(conn));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      for (const conn of [...conns]) {
        stats.destroyedByCut += 1;
        conn.client.resetAndDestroy();
        drop(conn);
      }
    },
    restore() {
      cut = false;
    },
    get isCut() {
      return cut;
    },
    trap(trap) {
      return new Promise<void>((resolve) => {
        traps.add({
          ...trap,
          seen: new Map(),
          spring(conn) {
            if (trap.hold === 'request') {
              conn.holdRequests = true;
              resolve();
              return;
            }
            conn.holdResponses = true;
            conn.onHeldResponse = () => resolve();
          },
        });
      });
    },
    stats,
    async close() {
      for (const conn of [...conns]) drop(conn);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
