/**
 * A queue that runs persistence strictly in the order of the transitions, whatever the
 * interleaving of handlers: each call starts once every earlier one settled (a failed one does not
 * stop the queue; its caller gets the failure). One per workflow run; `settled()` is the promise
 * the workflow awaits before it returns, so nothing queued is left behind.
 */
export function createSerial() {
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
  // Returns the tail itself (not an async wrapper), so awaiting it takes the same turns as before.
  return Object.assign(serial, { settled: (): Promise<unknown> => tail });
}
