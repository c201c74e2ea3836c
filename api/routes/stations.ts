import { Type } from 'typebox';
import type { HttpServer } from '../../core/http';
import { firstKnown } from '../../core/names';
import type { Db } from '../../schema/database';
import { unitIdsOf, unitScope } from '../access';
import type { Staging } from '../../ingest/staging';
import { Nullable, errors } from '../schemas';
import { OVERDUE_AFTER_HOURS } from '../compliance';


const Offload = Type.Object({
  sessionId: Type.String(),
  recorderSerial: Type.String(),
  officerNo: Nullable(Type.String()),
  openedAt: Type.String(),
  files: Type.Object({ total: Type.Integer(), verified: Type.Integer(), receiving: Type.Integer(), rejected: Type.Integer() }),
  bytes: Type.Object({ total: Type.Integer(), done: Type.Integer() }),
});

const StationStatus = Type.Object({
  generatedAt: Type.String(),
  overdueAfterHours: Type.Integer(),
  stations: Type.Array(
    Type.Object({
      id: Type.String(),
      code: Type.String(),
      name: Type.String(),
      unitId: Nullable(Type.String()),
      lastSeenAt: Nullable(Type.String()),
      bays: Type.Array(Type.Object({ number: Type.Integer(), offload: Nullable(Offload) })),
    }),
  ),
  overdueRecorders: Type.Array(
    Type.Object({ serial: Type.String(), officerNo: Nullable(Type.String()), unitId: Nullable(Type.String()), lastDockedAt: Nullable(Type.String()), hoursSinceDocked: Nullable(Type.Number()) }),
  ),
});

/** Station status for the station page: bays with live offload progress, and recorders overdue for docking. */
export function stationRoutes(deps: { db: Db; now: () => Date; staging: Pick<Staging, 'bytes'> }) {
  const { db, now, staging } = deps;

  async function offloadOf(bayId: string) {
    const session = await db
      .selectFrom('offload_sessions as s')
      .innerJoin('recorders as r', 'r.id', 's.recorder_id')
      .select(['s.id', 's.opened_at', 's.officer_no', 'r.serial', 'r.officer_no as bound_officer'])
      .where('s.bay_id', '=', bayId)
      .where('s.closed_at', 'is', null)
      .orderBy('s.opened_at', 'desc')
      .executeTakeFirst();
    if (!session) return null;
    const uploads = await db.selectFrom('uploads').select(['id', 'state', 'size']).where('session_id', '=', session.id).execute();
    const count = (state: string) => uploads.filter((u) => u.state === state).length;
    let done = 0;
    for (const u of uploads) done += u.state === 'verified' ? Number(u.size) : u.state === 'receiving' ? await staging.bytes(u.id) : 0;
    return {
      sessionId: session.id,
      recorderSerial: session.serial,
      officerNo: firstKnown(session.officer_no, session.bound_officer),
      openedAt: session.opened_at.toISOString(),
      files: { total: uploads.length, verified: count('verified'), receiving: count('receiving'), rejected: count('rejected') },
      bytes: { total: uploads.reduce((sum, u) => sum + Number(u.size), 0), done },
    };
  }

  return async (app: HttpServer) => {
    app.get('/stations', {
      config: { action: 'station.status', audit: 'station.status' },
      schema: {
        summary: 'Docking stations and overdue recorders', operationId: 'getStationStatus', tags: ['stations'],
        description: 'Stations of the caller\'s units with each bay\'s live offload progress, and recorders not docked for more than 24 hours.',
        response: { 200: StationStatus, ...errors },
      },
    }, async (request) => {
      // Which units' stations and recorders the caller may watch; null means all.
      const units = unitIdsOf(unitScope(request.principal!));
      const at = now();
      const stations = await db
        .selectFrom('stations')
        .selectAll()
        .$if(units !== null, (q) => q.where('unit_id', 'in', units!.length ? units! : ['00000000-0000-0000-0000-000000000000']))
        .orderBy('code')
        .execute();
      const result = [];
      for (const station of stations) {
        const bays = await db.selectFrom('bays').select(['id', 'number']).where('station_id', '=', station.id).orderBy('number').execute();
        result.push({
          id: station.id,
          code: station.code,
          name: station.name,
          unitId: station.unit_id,
          lastSeenAt: station.last_seen_at?.toISOString() ?? null,
          bays: await Promise.all(bays.map(async (b) => ({ number: b.number, offload: await offloadOf(b.id) }))),
        });
      }
      const cutoff = new Date(at.getTime() - OVERDUE_AFTER_HOURS * 3600_000);
      const overdue = await db
        .selectFrom('recorders as r')
        .leftJoin('users as u', 'u.officer_no', 'r.officer_no')
        .select(['r.serial', 'r.officer_no', 'u.unit_id', 'r.last_docked_at'])
        .where((eb) => eb.or([eb('r.last_docked_at', 'is', null), eb('r.last_docked_at', '<', cutoff)]))
        .$if(units !== null, (q) => q.where('u.unit_id', 'in', units!.length ? units! : ['00000000-0000-0000-0000-000000000000']))
        .orderBy('r.last_docked_at', (ob) => ob.asc().nullsFirst())
        .execute();
      return {
        generatedAt: at.toISOString(),
        overdueAfterHours: OVERDUE_AFTER_HOURS,
        stations: result,
        overdueRecorders: overdue.map((r) => ({
          serial: r.serial,
          officerNo: r.officer_no,
          unitId: r.unit_id,
          lastDockedAt: r.last_docked_at?.toISOString() ?? null,
          hoursSinceDocked: r.last_docked_at ? Math.round(((at.getTime() - r.last_docked_at.getTime()) / 3600_000) * 10) / 10 : null,
        })),
      };
    });
  };
}
