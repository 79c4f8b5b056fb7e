import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestStack, type TTestStack } from './stack';

const BIN = path.resolve(import.meta.dirname, '../../bin/bangfu.js');

export interface TCliStack {
  s: TTestStack;
  url: string;
  home: string;
  /** The CLI as a user runs it: a child process, its own config file, the real server over HTTP. */
  bangfu(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/** The test stack listening on a port, and a home directory of its own for the CLI's config. */
export async function startCliStack(): Promise<TCliStack> {
  const s = await startTestStack();
  const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-cli-'));
  return {
    s,
    url,
    home,
    bangfu: (args, env = {}) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          {
            env: { PATH: process.env.PATH ?? '', HOME: home, BANGFU_CONFIG: path.join(home, 'config.json'), ...env },
            timeout: 60_000,
          },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      }),
    async close() {
      await s.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
