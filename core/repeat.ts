/**
 * Runs `pass` now and then `intervalMs` after each run ends, until the returned stop() (which
 * waits for a running pass). A failed pass goes to `onError` and is simply tried again: a
 * background loop must never leave a rejected promise unheard, nor stop for one failure.
 */
export function runEvery(intervalMs: number, pass: () => Promise<unknown>, onError: (error: unknown) => void): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = () => {
    running = pass()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
