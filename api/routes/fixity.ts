import { Type } from 'typebox';
import { trailStatus } from '../../core/checkpoints';
import { Problem, notFound } from '../../core/errors';
import { fixityFailures, fixityRun, runFixityPass, type FixityDeps } from '../../core/fixity';
import type { HttpServer } from '../../core/http';
import { IdParams, Nullable, StringEnum, errors } from '../schemas';

const FAILURES_SHOWN = 1000;

const Run = Type.Object({
  id: Type.String(),
  trigger: StringEnum(['scheduled', 'manual'] as const),
  requestedBy: Type.String(),
  state: StringEnum(['running', 'finished', 'failed', 'interrupted'] as const),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  objectsChecked: Type.Integer(),
  bytesChecked: Type.Integer(),
  failures: Type.Integer(),
  error: Nullable(Type.String()),
});

/**
 * The integrity alarm: the fixity scrub's last pass and every object that failed its last check,
 * and the checkpoint writer's verdict on each trail. A pass can be started now.
 */
export function fixityRoutes(deps: Omit<FixityDeps, 'log' | 'intervalMs'>) {
  const { db } = deps;
  return async (app: HttpServer) => {
    // Passes started here run in this process; shutting down stops them (the run row says so).
    const stop = new AbortController();
    const passes = new Set<Promise<unknown>>();
    app.addHook('onClose', async () => {
      stop.abort();
      await Promise.all(passes);
    });

    app.get('/fixity', {
      config: { action: 'fixity.read' },
      schema: {
        summary: 'Integrity alarm', operationId: 'getFixityStatus', tags: ['fixity'],
        description: 'The last fixity pass, every stored object whose last check failed, and the verdict on each hash-chained trail; `alarm` is true if anything is wrong.',
        response: {
          200: Type.Object({
            alarm: Type.Boolean(),
            lastRun: Nullable(Run),
            failures: Type.Array(Type.Object({
              evidenceId: Type.String(), object: Type.String(), name: Nullable(Type.String()), state: Type.String(), checkedAt: Type.String(), detail: Type.String(),
            })),
            trails: Type.Array(Type.Object({ chain: Type.String(), ok: Type.Boolean(), checkedAt: Type.String(), brokenAt: Nullable(Type.Integer()), reason: Nullable(Type.String()) })),
          }),
          ...errors,
        },
      },
    }, async () => {
      const [lastRun, failures, trails] = await Promise.all([fixityRun(db), fixityFailures(db, FAILURES_SHOWN), trailStatus(db)]);
      return { alarm: failures.length > 0 || trails.some((t) => !t.ok), lastRun, failures, trails };
    });

    app.post('/fixity/runs', {
      config: { action: 'fixity.run', audit: 'fixity.run' },
      schema: {
        summary: 'Start a fixity pass now', operationId: 'startFixityRun', tags: ['fixity'],
        description: 'Starts re-reading every stored object against its recorded hashes; answers 202 with the run (Location: its status). One pass at a time: 409 while one runs.',
        response: { 202: Run, ...errors },
      },
    }, async (request, reply) => {
      const start = await runFixityPass({ ...deps, log: request.log }, { trigger: 'manual', requestedBy: request.principal!.name, signal: stop.signal });
      if (!start.started) throw new Problem(409, 'Conflict', 'a fixity pass is already running; its progress is on GET /api/fixity');
      passes.add(start.done);
      void start.done.finally(() => passes.delete(start.done));
      request.auditDetails = { runId: start.runId };
      reply.code(202).header('location', `/api/fixity/runs/${start.runId}`);
      return (await fixityRun(db, start.runId))!;
    });

    app.get('/fixity/runs/:id', {
      config: { action: 'fixity.read' },
      schema: {
        summary: 'Status of a fixity pass', operationId: 'getFixityRun', tags: ['fixity'],
        description: 'Progress and outcome of one pass: objects and bytes checked, failures.',
        params: IdParams, response: { 200: Run, ...errors },
      },
    }, async (request) => {
      const run = await fixityRun(db, request.params.id);
      if (!run) throw notFound(`fixity run ${request.params.id}`);
      return run;
    });
  };
}
