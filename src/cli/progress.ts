import type { Writable } from 'node:stream';

/**
 * A progress bar for bulk work on stderr (stdout stays clean for --json). On a terminal the bar
 * redraws in place; piped, each step is one line, so logs still show where a run stopped.
 */
export function progressBar(stderr: Writable, total: number, label: string) {
  const tty = (stderr as { isTTY?: boolean }).isTTY === true;
  let done = 0;
  const draw = (note: string) => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    stderr.write(tty ? `\r${bar} ${note}`.padEnd(100) : `${bar} ${note}\n`);
  };
  return {
    step(note: string) {
      done += 1;
      draw(note);
    },
    end() {
      if (tty) stderr.write('\n');
    },
  };
}
