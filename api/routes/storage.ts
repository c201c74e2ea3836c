import { Type } from 'typebox';
import type { HttpServer } from '../../core/http';
import type { Db } from '../../schema/database';
import { Nullable, errors } from '../schemas';
import { GROWTH_WINDOW_DAYS, PROJECTION_DAYS, storageReport } from '../storage-report';

const Usage = Type.Object({ count: Type.Integer(), bytes: Type.Integer() });
const Split = { originals: Usage, derivatives: Usage };

const StorageReport = Type.Object({
  asOf: Type.String({ format: 'date-time' }),
  totals: Type.Object(Split),
  byCategory: Type.Array(Type.Object({ code: Type.String(), category: Type.String(), days: Nullable(Type.Integer()), ...Split })),
  byUnit: Type.Array(Type.Object({ unitId: Nullable(Type.String()), unitName: Nullable(Type.String()), ...Split })),
  byMonth: Type.Array(Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }), ...Split })),
  growth: Type.Object({ days: Type.Integer(), ...Split }),
  projection: Type.Object({ days: Type.Integer(), originalsBytes: Type.Integer(), derivativesBytes: Type.Integer(), bytes: Type.Integer() }),
});

/** What the store holds and will hold: for the storage page, budgets and capacity planning. */
export function storageRoutes(deps: { db: Db; now: () => Date }) {
  return async (app: HttpServer) => {
    app.get('/storage', {
      config: { action: 'storage.read' },
      schema: {
        summary: 'Storage used, its growth and its projected size',
        description: [
          'Bytes and counts of stored originals and derivatives (apart; disposed recordings hold none), by retention category, by unit',
          '(null: footage no unit owns yet) and by calendar month of recording (Beijing time; the time received when the recorder time is unknown).',
          `\`growth\`: what was stored in the last ${GROWTH_WINDOW_DAYS} days.`,
          `\`projection\`: the size in ${PROJECTION_DAYS} days under today's rules, assuming every recording is disposed of as soon as its`,
          `retention ends: per category, what is stored now, minus what its period lets expire within the ${PROJECTION_DAYS} days (never`,
          `IMP-flagged or case-linked footage), plus intake at the rate of the last ${GROWTH_WINDOW_DAYS} days, of which a category with a`,
          'period (一般: 180 days) keeps only its last period\'s worth and a permanent one all of it. Holds and future links are not',
          'foreseen. Derivatives follow their originals. Aggregated in the database in one grouped query.',
        ].join(' '),
        tags: ['storage'],
        operationId: 'getStorageReport',
        response: { 200: StorageReport, ...errors },
      },
    }, async () => storageReport(deps.db, deps.now()));
  };
}
