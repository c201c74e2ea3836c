/**
 * Many recordings and cases written straight in PostgreSQL (generate_series, in chunks), for the
 * search benchmark and the search-plan test: row n is officer `${officerPrefix}${n % officers}`'s
 * (5 digits), of unit n % units, received n minutes ago, important when n % 17 = 0; case g is of
 * unit g % units, and linked to recording 2g; `handlerId` handles every hundredth case.
 * Needs the database owner (time-stamping of the seeded originals is switched off while seeding).
 */
export interface SearchRows {
  rows: number;
  cases: number;
  unitIds: string[];
  officers: number;
  officerPrefix: string;
  handlerId: string;
}

const CHUNK = 100_000;

export async function seedSearchRows(run: (text: string, params?: unknown[]) => Promise<unknown>, s: SearchRows): Promise<void> {
  const units = `(array[${s.unitIds.map((u) => `'${u}'::uuid`).join(',')}])`;
  await run(`insert into stations (code, name) values ('SEARCH', 'search rows') on conflict do nothing`);
  await run(`insert into bays (station_id, number) select id, 1 from stations where code = 'SEARCH' on conflict do nothing`);
  await run(`insert into recorders (serial) select 'SR' || lpad(g::text, 4, '0') from generate_series(0, 199) g`);
  await run(`
    insert into offload_sessions (station_id, bay_id, recorder_id)
    select s.id, b.id, r.id from stations s join bays b on b.station_id = s.id, recorders r where s.code = 'SEARCH' and r.serial like 'SR%'`);
  await run('alter table evidence disable trigger evidence_queue_timestamp');
  try {
    for (let first = 1; first <= s.rows; first += CHUNK) {
      const last = Math.min(first + CHUNK - 1, s.rows);
      await run(`
        insert into uploads (id, session_id, recorder_id, original_path, original_path_bytes, size, metadata, state)
        select md5('search' || g)::uuid, s.id, s.recorder_id, 'DCIM/S' || g || '.mp4', convert_to('DCIM/S' || g || '.mp4', 'UTF8'), 1000000, '{}', 'verified'
        from generate_series(${first}, ${last}) g
        join (select os.id, os.recorder_id, row_number() over (order by r.serial) - 1 as n from offload_sessions os join recorders r on r.id = os.recorder_id where r.serial like 'SR%') s on s.n = g % 200`);
      await run(`
        insert into evidence (recorder_id, session_id, upload_id, size, sha256, sm3, original_path, original_path_bytes, original_name, officer_no, device_serial, unit_id,
                              recorded_at, received_at, important, storage_key, playback_state)
        select u.recorder_id, u.session_id, u.id, u.size, encode(sha256(u.original_path_bytes), 'hex'), md5(u.original_path) || md5(u.original_path || 'sm3'),
               u.original_path, u.original_path_bytes, split_part(u.original_path, '/', 2), '${s.officerPrefix}' || lpad((g % ${s.officers})::text, 5, '0'), r.serial,
               ${units}[1 + g % ${s.unitIds.length}], now() - g * interval '1 minute', now() - g * interval '1 minute', g % 17 = 0, 'originals/' || u.id, 'ready'
        from generate_series(${first}, ${last}) g join uploads u on u.id = md5('search' || g)::uuid join recorders r on r.id = u.recorder_id`);
    }
  } finally {
    await run('alter table evidence enable trigger evidence_queue_timestamp');
  }
  await run(`
    insert into cases (number, title, unit_id, stage)
    select 'SJ' || g, '案件' || g, ${units}[1 + g % ${s.unitIds.length}], (array['立案','调查取证','结案','移送'])[1 + g % 4]
    from generate_series(1, ${s.cases}) g`);
  await run(`insert into case_handlers (case_id, user_id) select id, $1 from cases where number like 'SJ%' and substr(number, 3)::int % 100 = 0`, [s.handlerId]);
  await run(`
    insert into case_evidence (case_id, evidence_id, stage)
    select c.id, e.id, c.stage from cases c join evidence e on e.upload_id = md5('search' || (2 * substr(c.number, 3)::int))::uuid where c.number like 'SJ%'`);
  await run('analyze');
}
