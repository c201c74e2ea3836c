/** Said when a wait was given up: its message names the limit and is safe to show. */
export class TimedOut extends Error {}

/** What `work` yields, or a TimedOut rejection after `ms`; the timer is cleared either way. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
