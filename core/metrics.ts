import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout } from './timeout';

/**
 * The platform's Prometheus metrics, on a registry of the caller's (one per server instance: never
 * prom-client's global one, so two servers in one process, as in tests, never mix their numbers).
 */
export interface Metrics {
  registry: Registry;
  /** Bytes accepted into staging by upload chunks. */
  ingestBytes: Counter;
  /** Files verified and committed as evidence. */
  ingestFiles: Counter;
  /** From a dock's complete call to its answer (hash comparison, store write, transaction). */
  verifySeconds: Histogram;
  /** Objects a fixity pass found altered or missing. */
  fixityFailures: Counter<'state'>;
  /** HTTP request durations by route pattern (never the raw URL: ids would explode the series). */
  httpSeconds: Histogram<'method' | 'route' | 'status'>;
}

/** Queue depths read at scrape time: outbox rows not yet handed to a queue, and queued jobs by state. */
export interface QueueDepths {
  /** null: the outbox could not be read (the database unreachable); the scrape still answers with the rest. */
  outbox: Record<string, number> | null;
  /** null: the queues could not be read (Redis unreachable); the scrape still answers with the rest. */
  jobs: { kind: string; state: string; count: number }[] | null;
}

/** Stored objects whose last fixity check found them altered or missing, by state. */
export type FailedObjects = Record<'altered' | 'missing', number>;

const SCRAPE_READ_TIMEOUT_MS = 2_000;

/** What `read` yields within SCRAPE_READ_TIMEOUT_MS, or null (failed or too late): the scrape answers without it rather than failing or hanging. */
export const scrapeReading = <T>(read: () => Promise<T>): Promise<T | null> => withTimeout(read(), SCRAPE_READ_TIMEOUT_MS).catch(() => null);

/**
 * `depths` and `failedObjects` are read from Redis and the database at each scrape: they cover the
 * work of every process (an `evidence worker` has no /metrics of its own), unlike the counters.
 */
export function createMetrics(registry: Registry, depths?: () => Promise<QueueDepths>, failedObjects?: () => Promise<FailedObjects>): Metrics {
  collectDefaultMetrics({ register: registry });
  if (failedObjects) {
    new Gauge({
      name: 'evidence_fixity_failed_objects',
      help: 'Stored objects whose last fixity check found them altered or missing, by state, from the database: whichever process checked them (absent while the database cannot be read)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [state, count] of Object.entries((await scrapeReading(failedObjects)) ?? {})) this.set({ state }, count);
      },
    });
  }
  if (depths) {
    // One read per scrape feeds the three gauges.
    let reading: Promise<QueueDepths> | undefined;
    const read = () => (reading ??= depths().finally(() => setImmediate(() => (reading = undefined))));
    new Gauge({
      name: 'evidence_outbox_pending',
      help: 'Queued work committed in the outbox and not yet handed to its job queue, by kind',
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [kind, count] of Object.entries((await read()).outbox ?? {})) this.set({ kind }, count);
      },
    });
    new Gauge({
      name: 'evidence_database_up',
      help: 'Whether the database could be read at this scrape (1) or not (0: evidence_outbox_pending is absent)',
      registers: [registry],
      async collect() {
        this.set((await read()).outbox === null ? 0 : 1);
      },
    });
    new Gauge({
      name: 'evidence_queue_jobs',
      help: 'Jobs in the BullMQ queues, by kind and state (waiting, active, delayed, failed)',
      labelNames: ['kind', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { kind, state, count } of (await read()).jobs ?? []) this.set({ kind, state }, count);
      },
    });
    new Gauge({
      name: 'evidence_redis_up',
      help: 'Whether the job queues in Redis could be read at this scrape (1) or not (0: evidence_queue_jobs is absent)',
      registers: [registry],
      async collect() {
        this.set((await read()).jobs === null ? 0 : 1);
      },
    });
  }
  return {
    registry,
    ingestBytes: new Counter({ name: 'evidence_ingest_bytes_total', help: 'Bytes received into staging by upload chunks', registers: [registry] }),
    ingestFiles: new Counter({ name: 'evidence_ingest_files_total', help: 'Files verified and committed as evidence', registers: [registry] }),
    verifySeconds: new Histogram({
      name: 'evidence_verify_seconds',
      help: 'Time to verify and commit an upload (the complete call)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    fixityFailures: new Counter({ name: 'evidence_fixity_failures_total', help: 'Stored objects a fixity pass found altered or missing', labelNames: ['state'], registers: [registry] }),
    httpSeconds: new Histogram({
      name: 'evidence_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [registry],
    }),
  };
}

/** The route label: the matched pattern (`/api/evidence/:id`), one fixed label for anything unmatched. */
export function routeLabel(pattern: string | undefined, is404: boolean): string {
  return is404 || !pattern ? 'unmatched' : pattern;
}

/**
 * Who may read /metrics: with EVIDENCE_METRICS_TOKEN set, only a caller bearing it (from anywhere);
 * without it, only a loopback peer (a scraper on the same host or in the same pod).
 */
export function metricsAccess(facts: { token: string | undefined; bearer: string | undefined; peerIsLoopback: boolean }): 'allowed' | 'unauthorized' | 'forbidden' {
  if (facts.token) return facts.bearer !== undefined && safeEqual(facts.bearer, facts.token) ? 'allowed' : 'unauthorized';
  return facts.peerIsLoopback ? 'allowed' : 'forbidden';
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Compared as digests: equal lengths, constant time. */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
