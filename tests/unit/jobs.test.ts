import { describe, expect, it } from 'vitest';
import { JOB_KINDS, assertHandlers, parseJobKinds, startDispatcher, type Handlers, type JobKind } from '../../core/jobs';
import type { Db } from '../../schema/database';

const task = { intervalMs: 1000, run: async () => {} };
const queued = { concurrency: 1, lockSeconds: 30, run: async () => {} };
const all: Handlers = { transcode: queued, export: queued, still: queued, passthrough: queued, timestamps: task, checkpoints: task, fixity: task, housekeeping: task, retention: task, webhooks: task };

describe('parseJobKinds (evidence worker --jobs)', () => {
  it.each<[string | undefined, JobKind[]]>([
    [undefined, [...JOB_KINDS]],
    ['transcode,export', ['transcode', 'export']],
    [' fixity , checkpoints ', ['fixity', 'checkpoints']],
    ['export,export', ['export']],
  ])('%s', (list, kinds) => {
    expect(parseJobKinds(list)).toEqual(kinds);
  });

  it.each([['transcodes'], ['transcode,webhook'], [''], [',']])('refuses %j', (list) => {
    expect(() => parseJobKinds(list)).toThrow(/unknown job kind .*the kinds are transcode, export, still, passthrough, timestamps, checkpoints, fixity, housekeeping, retention, webhooks/);
  });
});

describe('the startup check', () => {
  it('passes when every kind to run has a handler', () => {
    expect(() => assertHandlers(JOB_KINDS, all)).not.toThrow();
    expect(() => assertHandlers(['export'], { export: queued })).not.toThrow();
  });

  it.each<[JobKind[], Partial<Handlers>, string]>([
    [['transcode', 'export'], { transcode: queued }, 'export'],
    [[...JOB_KINDS], { ...all, fixity: undefined, housekeeping: undefined }, 'fixity, housekeeping'],
  ])('fails naming the kinds without one: %j', (kinds, handlers, missing) => {
    expect(() => assertHandlers(kinds, handlers)).toThrow(`no handler for job kind ${missing}`);
  });

  it('the dispatcher does not start without it', () => {
    const untouched = new Proxy({}, { get: () => expect.unreachable('the database was used') }) as Db;
    expect(() => startDispatcher({ db: untouched, log: { info: () => {}, warn: () => {} } }, ['timestamps', 'checkpoints'], { timestamps: task })).toThrow('no handler for job kind checkpoints');
  });
});
