import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestClient } from './client';

/**
 * Whether the platform can be reached, shared by every bay: once one transfer finds it down, the
 * others go straight to the spool instead of each waiting for a timeout, and a probe says when it is back.
 */
export class PlatformLink {
  reachable = true;
  error: string | null = null;
  private readonly waiters = new Set<() => void>();
  private probing = false;
  private readonly stopped = new AbortController();

  constructor(private readonly client: IngestClient, private readonly retryMs: number, private readonly log: (line: string) => void) {}

  down(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    if (this.reachable) this.log(`platform unreachable (${this.error}): files go to the station spool; trying again every ${this.retryMs / 1000} s`);
    this.reachable = false;
    if (!this.probing) void this.probe();
  }

  up(): void {
    if (!this.reachable) this.log('platform reachable again: sending spooled files');
    this.reachable = true;
    this.error = null;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  waitUp(signal: AbortSignal): Promise<void> {
    if (this.reachable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(wake);
        reject(signal.reason);
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  stop(): void {
    this.stopped.abort();
  }

  private async probe(): Promise<void> {
    this.probing = true;
    try {
      while (!this.reachable) {
        await sleep(this.retryMs, undefined, { signal: this.stopped.signal });
        if (await this.client.probe().then((status) => status < 500, () => false)) this.up();
      }
    } catch {
      // stopped
    } finally {
      this.probing = false;
    }
  }
}
