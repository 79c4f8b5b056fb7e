import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the test SMTP server received it: the envelope and the decoded Subject header. */
export interface TReceivedMail {
  from: string;
  to: string[];
  subject: string;
  deliveryId: string;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=), as nodemailer writes a Chinese subject. */
export function decodeHeader(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** A real SMTP server (the smtp-server package) on a free port, signing in `account` only, keeping what it receives. */
export async function startSmtpServer(account: { user: string; password: string }): Promise<{ port: number; mails: TReceivedMail[]; close(): Promise<void> }> {
  const mails: TReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    // Plain text on the loopback: the test has no certificate to offer.
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === account.user && auth.password === account.password) callback(null, { user: auth.username });
      else callback(new Error('invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeHeader(header(raw, 'Subject')),
          deliveryId: header(raw, 'X-Bangfu-Delivery'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface TRobotRequest {
  path: string;
  query: URLSearchParams;
  body: { msgtype?: string; markdown?: { title?: string; text?: string; content?: string } };
}

/**
 * A real HTTP receiver (node:http) standing in for a group robot: it keeps each request and answers
 * as DingTalk and WeCom do (`{"errcode":0}`), or, for the first `failFirst` requests, a 500;
 * `silent` keeps each request and never answers (a receiver that hangs).
 */
export async function startRobotReceiver({ failFirst = 0, silent = false } = {}): Promise<{ url: string; requests: TRobotRequest[]; close(): Promise<void> }> {
  const requests: TRobotRequest[] = [];
  let failures = failFirst;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      requests.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as TRobotRequest['body'] });
      if (silent) return;
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
