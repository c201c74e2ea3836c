import type { FastifyInstance } from 'fastify';

/** A /metrics scrape from the same host (allowed without a metrics token). */
export const scrapeMetrics = (app: FastifyInstance) => app.inject({ url: '/metrics' });

/** The value of one series (e.g. `evidence_queue_jobs{kind="transcode",state="waiting"}`) in Prometheus text, if present. */
export const metricValue = (text: string, series: string): string | undefined =>
  new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1];
