import { describe, expect, it } from 'vitest';
import { TimedOut, withTimeout } from '../../core/timeout';

describe('withTimeout', () => {
  it('yields what the work yields in time', async () => {
    expect(await withTimeout(Promise.resolve(7), 1000)).toBe(7);
  });
  it('passes the work’s own failure through', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });
  it('gives up after the limit with a message naming it, and a late failure goes unheard', async () => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 50));
    const error = await withTimeout(late, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimedOut);
    expect((error as Error).message).toBe('no answer within 10 ms');
    await new Promise((r) => setTimeout(r, 60)); // an unhandled rejection would fail the run here
  });
});
