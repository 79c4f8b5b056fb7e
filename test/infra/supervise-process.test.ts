/**
 * The dev stack's restart rule (src/infra/restart-policy.ts) and its supervisor with real child
 * processes (node one-liners), on a millisecond policy so a whole streak fits in a second.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, failuresInARowAfter, restartDelayMs } from '../../src/infra/restart-policy';
import { superviseProcess } from '../../src/infra/supervise-process';

const node = (code: string) => () => spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAST = { initialDelayMs: 20, maxDelayMs: 50, healthyAfterMs: 60_000, maxFailuresInARow: 4 };

describe('restart policy', () => {
  it('waits 1 s, doubling to 30 s, and gives up at the 8th failure in a row', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelayMs(DEFAULT_RESTART_POLICY, n));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, null]);
  });

  it('starts a new streak when the run that ended had been up a healthy minute', () => {
    expect(failuresInARowAfter(DEFAULT_RESTART_POLICY, 6, 59_999)).toBe(7);
    expect(failuresInARowAfter(DEFAULT_RESTART_POLICY, 6, 60_000)).toBe(1);
  });
});

describe('supervised process', () => {
  it('restarts a child killed by a signal (exitCode null, signalCode SIGKILL) and says so', async () => {
    const lines: string[] = [];
    const sup = superviseProcess({
      name: 'sleeper',
      spawn: node('setInterval(() => {}, 1000)'),
      log: (l) => lines.push(l),
      onGiveUp: (m) => lines.push(`GAVE UP ${m}`),
      policy: FAST,
    });
    try {
      const first = sup.current!;
      await sleep(200);
      first.kill('SIGKILL');
      await expect.poll(() => sup.current !== undefined && sup.current !== first, { timeout: 5_000 }).toBe(true);
      expect(first.exitCode).toBeNull();
      expect(first.signalCode).toBe('SIGKILL');
      expect(lines[1]).toMatch(
        new RegExp(`^sleeper \\(pid ${first.pid}\\) was killed by SIGKILL after .*; restarting in 20 ms \\(failure 1 in a row, giving up at 4\\)$`),
      );
      expect(lines[2]).toBe(`sleeper restarted (pid ${sup.current!.pid})`);
    } finally {
      await sup.stop(1_000);
    }
    expect(sup.current).toBeUndefined();
  });

  it('gives up after too many failures in a row, with the reason, and starts nothing more', async () => {
    const lines: string[] = [];
    let gaveUp = '';
    let spawned = 0;
    const sup = superviseProcess({
      name: 'crasher',
      spawn: () => (spawned++, node('process.exit(3)')()),
      log: (l) => lines.push(l),
      onGiveUp: (m) => (gaveUp = m),
      policy: FAST,
    });
    await expect.poll(() => gaveUp, { timeout: 5_000 }).not.toBe('');
    expect(gaveUp).toMatch(/^crasher \(pid \d+\) exited with code 3 after .*: 4 failures in a row, giving up$/);
    expect(lines.filter((l) => l.includes('restarting in')).map((l) => l.match(/restarting in (\S+ ms)/)![1])).toEqual(['20 ms', '40 ms', '50 ms']);
    await sleep(300);
    expect(spawned).toBe(4);
    expect(sup.current).toBeUndefined();
  });

  it('stopped while a restart is pending, starts nothing more', async () => {
    let spawned = 0;
    const sup = superviseProcess({
      name: 'crasher',
      spawn: () => (spawned++, node('process.exit(1)')()),
      log: () => undefined,
      onGiveUp: () => undefined,
      policy: { ...FAST, initialDelayMs: 500 },
    });
    await expect.poll(() => sup.current, { timeout: 5_000 }).toBeUndefined();
    await sup.stop();
    await sleep(800);
    expect(spawned).toBe(1);
  });
});
