import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { Type } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import { knownText } from '../../core/names';
import { hashPassword } from '../../core/passwords';
import { createToken, revokeToken } from '../../core/tokens';
import type { Db } from '../../schema/database';
import { ROLES, type Database } from '../../schema/db';
import { auditedChange } from '../audit';
import { assignUnit } from './work-queue';
import { accountNeeds, TOKEN_SCOPES } from '../access';
import { IdParams, Nullable, StringEnum, Uuid, errors } from '../schemas';

const Unit = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), kind: StringEnum(['agency', 'supervisor'] as const), parentId: Nullable(Type.String()) });
const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: StringEnum(ROLES),
  unitId: Nullable(Type.String()),
  officerNo: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  oversees: Type.Array(Type.String()),
});
/** What admins see of an account: the lockout too (the login answer never shows it). */
const ListedUser = Type.Object({ ...User.properties, failedLogins: Type.Integer(), lockedUntil: Nullable(Type.String()), disabledAt: Nullable(Type.String()) });
const Token = Type.Object({
  id: Type.String(), name: Type.String(), role: StringEnum(ROLES), userId: Nullable(Type.String()), userName: Nullable(Type.String()),
  scopes: Type.Array(Type.String()), createdAt: Type.String(), lastUsedAt: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
});
const Recorder = Type.Object({
  id: Type.String(), serial: Type.String(), vidPid: Nullable(Type.String()), officerNo: Nullable(Type.String()),
  officerName: Nullable(Type.String()), unitId: Nullable(Type.String()), lastDockedAt: Nullable(Type.String()),
});
const BoundStation = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), unitId: Nullable(Type.String()), lastSeenAt: Nullable(Type.String()) });
/** How many of the officer's files without a unit joined it with this change. */
const Attributed = { attributedFootage: Type.Integer({ description: 'files of this officer number that had no unit and were given the account\'s unit by this change' }) };
const Password = Type.String({ minLength: 10, maxLength: 256 });
const OfficerNo = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\u0000\\s]+$' });

/** Platform administration: units, users and roles, recorder bindings, API tokens. */
export function adminRoutes(deps: { db: Db; now: () => Date }) {
  const { db, now } = deps;
  const unitExists = async (id: string) => !!(await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst());
  const listed = async (filter: { id?: string; lockedOnly?: boolean }) => {
    let query = db.selectFrom('users').selectAll().orderBy('username');
    if (filter.id) query = query.where('id', '=', filter.id);
    if (filter.lockedOnly) query = query.where('locked_until', '>', now());
    const rows = await query.execute();
    const oversees = rows.length === 0 ? [] : await db.selectFrom('user_oversees').select(['user_id', 'unit_id']).where('user_id', 'in', rows.map((u) => u.id)).execute();
    return rows.map((u) => ({
      id: u.id,
      username: u.username,
      role: u.role,
      unitId: u.unit_id,
      officerNo: u.officer_no,
      displayName: u.display_name,
      oversees: oversees.filter((o) => o.user_id === u.id).map((o) => o.unit_id),
      failedLogins: u.failed_logins,
      lockedUntil: u.locked_until?.toISOString() ?? null,
      disabledAt: u.disabled_at?.toISOString() ?? null,
    }));
  };
  const one = async (id: string) => (await listed({ id }))[0]!;
  const officerTaken = async (trx: Transaction<Database>, officerNo: string, except?: string) =>
    !!(await trx.selectFrom('users').select('id').where('officer_no', '=', officerNo).$if(!!except, (q) => q.where('id', '!=', except!)).executeTakeFirst());

  /**
   * Footage docked before the officer's account had a unit kept none (ingest looks the unit up by
   * officer number): once the account has both, that footage joins the unit, each file as the work
   * queue assigns it. Returns how many files were attributed.
   */
  async function attributeFootage(trx: Transaction<Database>, request: FastifyRequest, user: { username: string; officer_no: string | null; unit_id: string | null }): Promise<number> {
    if (!user.officer_no || !user.unit_id) return 0;
    const p = request.principal!;
    const waiting = await trx.selectFrom('evidence').select('id').where('officer_no', '=', user.officer_no).where('unit_id', 'is', null).orderBy('received_at').orderBy('id').execute();
    const by = { actor: p.name, role: p.role, client: request.ip, reason: `账号 ${user.username}（警号 ${user.officer_no}）归属该单位 the officer's account belongs to this unit` };
    for (const e of waiting) await assignUnit(trx, e.id, user.unit_id, by);
    return waiting.length;
  }

  /** Signs the user out everywhere (a new password, a disabled account). */
  const endSessions = async (trx: Transaction<Database>, userId: string) =>
    Number((await trx.updateTable('user_sessions').set({ revoked_at: now() }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst()).numUpdatedRows);

  return async (app: HttpServer) => {
    app.post('/units', {
      config: { action: 'unit.create', audit: 'unit.create' },
      schema: {
        summary: 'Create a unit', operationId: 'createUnit', tags: ['admin'],
        description: 'Adds an agency or a supervising unit (with an optional parent). A code that exists answers 409.',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }), name: Type.String({ minLength: 1, maxLength: 200 }), kind: Type.Optional(StringEnum(['agency', 'supervisor'] as const)), parentId: Type.Optional(Uuid) }, { examples: [{ code: 'HJ01', name: '生态环境执法大队 environmental enforcement brigade', kind: 'agency' }] }),
        response: { 201: Unit, ...errors },
      },
    }, async (request, reply) => {
      const b = request.body;
      if (b.parentId && !(await unitExists(b.parentId))) throw notFound(`unit ${b.parentId}`);
      const row = await db
        .insertInto('units')
        .values({ code: b.code, name: b.name, kind: b.kind ?? 'agency', parent_id: b.parentId ?? null })
        .onConflict((oc) => oc.column('code').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new Problem(409, 'Conflict', `unit code ${b.code} already exists`);
      reply.code(201);
      return { id: row.id, code: row.code, name: row.name, kind: row.kind, parentId: row.parent_id };
    });

    // Unit names are not secret: every signed-in role may list them (the reviewer page needs them).
    app.get('/units', {
      config: { action: 'unit.list' },
      schema: {
        summary: 'List units', operationId: 'listUnits', tags: ['admin'],
        description: 'Every unit, by code. Every signed-in role may list them.',
        response: { 200: Type.Object({ items: Type.Array(Unit) }), ...errors },
      },
    }, async () => {
      const rows = await db.selectFrom('units').selectAll().orderBy('code').execute();
      return { items: rows.map((u) => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, parentId: u.parent_id })) };
    });

    app.post('/users', {
      config: { action: 'user.create', audit: 'user.create' },
      schema: {
        summary: 'Create a user account', operationId: 'createUser', tags: ['admin'],
        description: 'Adds a local account with its role; an officer or unit head belongs to a unit (`unitId`), a supervisor names the units in their charge (`oversees`). A taken user name or officer number answers 409.',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 10, maxLength: 256 }),
          role: StringEnum(ROLES),
          unitId: Type.Optional(Uuid),
          officerNo: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          displayName: Type.Optional(Type.String({ maxLength: 100 })),
          oversees: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
        }, { examples: [{ username: 'li.na', password: 'a long passphrase', role: 'handler', unitId: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234', officerNo: '310123', displayName: '李娜' }] }),
        response: { 201: Type.Object({ ...User.properties, ...Attributed }), ...errors },
      },
    }, async (request, reply) => {
      const b = request.body;
      for (const unit of [...(b.unitId ? [b.unitId] : []), ...(b.oversees ?? [])]) if (!(await unitExists(unit))) throw notFound(`unit ${unit}`);
      const needs = accountNeeds(b.role);
      if (needs === 'unit' && !b.unitId) throw new Problem(400, 'Bad Request', `a ${b.role} belongs to a unit: give unitId`);
      if (needs === 'oversees' && !b.oversees?.length) throw new Problem(400, 'Bad Request', `an ${b.role} needs the units in their charge: give oversees`);
      const passwordHash = await hashPassword(b.password);
      const user = await auditedChange(db, request, 201, async (trx) => {
        if (b.officerNo && (await officerTaken(trx, b.officerNo))) throw new Problem(409, 'Conflict', `officer number ${b.officerNo} is taken`);
        const row = await trx
          .insertInto('users')
          .values({ username: b.username, password_hash: passwordHash, role: b.role, unit_id: b.unitId ?? null, officer_no: b.officerNo ?? null, display_name: knownText(b.displayName) })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new Problem(409, 'Conflict', 'that user name or officer number is taken');
        if (b.oversees?.length) await trx.insertInto('user_oversees').values(b.oversees.map((unit_id) => ({ user_id: row.id, unit_id }))).execute();
        const attributed = await attributeFootage(trx, request, row);
        request.auditDetails = { userId: row.id, username: row.username, role: row.role, displayName: row.display_name, officerNo: row.officer_no, unitId: row.unit_id, oversees: b.oversees ?? [], attributedFootage: attributed };
        request.auditObject = { unitId: row.unit_id, id: row.id };
        return { value: { row, attributed }, events: [] };
      });
      reply.code(201);
      const { row } = user;
      return { id: row.id, username: row.username, role: row.role, unitId: row.unit_id, officerNo: row.officer_no, displayName: row.display_name, oversees: b.oversees ?? [], attributedFootage: user.attributed };
    });

    app.get('/users', {
      config: { action: 'user.list' },
      schema: {
        summary: 'List user accounts', operationId: 'listUsers', tags: ['admin'],
        description: 'Every account with its failed logins and lockout; `locked=true` lists only accounts locked now.',
        querystring: Type.Object({ locked: Type.Optional(Type.Boolean({ description: 'only accounts locked now' })) }),
        response: { 200: Type.Object({ items: Type.Array(ListedUser) }), ...errors },
      },
    }, async (request) => ({ items: await listed({ lockedOnly: request.query.locked }) }));

    // Lifts a lockout (after the officer was reached some other way); the failure count starts again.
    app.post('/users/:id/unlock', {
      config: { action: 'user.unlock', audit: 'user.unlock' },
      schema: {
        summary: 'Lift a lockout', operationId: 'unlockUser', tags: ['admin'],
        description: 'Clears the failed-login count and the lockout of an account.',
        params: IdParams, response: { 200: ListedUser, ...errors },
      },
    }, async (request) => {
      const row = await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', request.params.id).returning(['id', 'username', 'unit_id']).executeTakeFirst();
      if (!row) throw notFound(`user ${request.params.id}`);
      request.auditObject = { unitId: row.unit_id };
      request.auditDetails = { username: row.username };
      const [user] = await listed({ id: row.id });
      return user!;
    });

    app.patch('/users/:id', {
      config: { action: 'user.update', audit: 'user.update' },
      schema: {
        summary: 'Change a user account', operationId: 'updateUser', tags: ['admin'],
        description: 'Changes the display name, unit, officer number (警号), the units an overseer supervises (`oversees`, replaced as a whole) or whether the account is disabled (its sessions end). '
          + 'When the account then has both an officer number and a unit, that officer\'s footage that has no unit yet is given the unit (each file on its custody trail; `attributedFootage` in the audit event). '
          + 'A taken officer number answers 409, as does disabling one\'s own account.',
        params: IdParams,
        body: Type.Object({
          displayName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
          unitId: Type.Optional(Nullable(Uuid)),
          officerNo: Type.Optional(Nullable(OfficerNo)),
          disabled: Type.Optional(Type.Boolean()),
          oversees: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
        }, { minProperties: 1, examples: [{ displayName: '李娜', unitId: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234', officerNo: '310123' }, { disabled: true }] }),
        response: { 200: Type.Object({ ...ListedUser.properties, ...Attributed }), ...errors },
      },
    }, async (request) => {
      const b = request.body;
      const { id } = request.params;
      for (const unit of [...(b.unitId ? [b.unitId] : []), ...(b.oversees ?? [])]) if (!(await unitExists(unit))) throw notFound(`unit ${unit}`);
      const attributedFootage = await auditedChange(db, request, 200, async (trx) => {
        const before = await trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw notFound(`user ${id}`);
        request.auditObject = { unitId: before.unit_id };
        if (b.disabled && id === request.principal!.userId) throw new Problem(409, 'Conflict', 'you cannot disable your own account');
        const unitId = b.unitId === undefined ? before.unit_id : b.unitId;
        const officerNo = b.officerNo === undefined ? before.officer_no : b.officerNo;
        const needs = accountNeeds(before.role);
        if (needs === 'unit' && !unitId) throw new Problem(400, 'Bad Request', `a ${before.role} belongs to a unit: unitId cannot be empty`);
        if (needs === 'oversees' && b.oversees && b.oversees.length === 0) throw new Problem(400, 'Bad Request', `an ${before.role} needs the units in their charge: oversees cannot be empty`);
        if (officerNo && officerNo !== before.officer_no && (await officerTaken(trx, officerNo, id))) throw new Problem(409, 'Conflict', `officer number ${officerNo} is taken`);
        const disabledAt = b.disabled === undefined ? before.disabled_at : b.disabled ? (before.disabled_at ?? now()) : null;
        const after = await trx
          .updateTable('users')
          .set({ display_name: b.displayName === undefined ? before.display_name : knownText(b.displayName), unit_id: unitId, officer_no: officerNo, disabled_at: disabledAt })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (b.oversees) {
          await trx.deleteFrom('user_oversees').where('user_id', '=', id).execute();
          if (b.oversees.length) await trx.insertInto('user_oversees').values([...new Set(b.oversees)].map((unit_id) => ({ user_id: id, unit_id }))).execute();
        }
        const sessionsEnded = disabledAt && !before.disabled_at ? await endSessions(trx, id) : 0;
        const gotUnit = after.unit_id !== before.unit_id || after.officer_no !== before.officer_no;
        const attributed = gotUnit ? await attributeFootage(trx, request, after) : 0;
        const changed = (['display_name', 'unit_id', 'officer_no'] as const).filter((k) => after[k] !== before[k]);
        request.auditObject = { unitId: after.unit_id ?? before.unit_id };
        request.auditDetails = {
          username: after.username,
          ...Object.fromEntries(changed.map((k) => [k === 'display_name' ? 'displayName' : k === 'unit_id' ? 'unitId' : 'officerNo', { from: before[k], to: after[k] }])),
          ...(b.disabled === undefined ? {} : { disabled: b.disabled, sessionsEnded }),
          ...(b.oversees ? { oversees: b.oversees } : {}),
          attributedFootage: attributed,
        };
        return { value: attributed, events: [] };
      });
      return { ...(await one(id)), attributedFootage };
    });

    app.post('/users/:id/password', {
      config: { action: 'user.password', audit: 'user.password' },
      schema: {
        summary: 'Set a new password for a user', operationId: 'resetUserPassword', tags: ['admin'],
        description: 'An administrator sets a new password (at least 10 characters) for the account: every session of that user ends, and a lockout is lifted.',
        params: IdParams,
        body: Type.Object({ password: Password }, { examples: [{ password: 'a new long passphrase' }] }),
        response: { 200: ListedUser, ...errors },
      },
    }, async (request) => {
      const { id } = request.params;
      const passwordHash = await hashPassword(request.body.password);
      await auditedChange(db, request, 200, async (trx) => {
        const row = await trx.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', id).returning(['username', 'unit_id']).executeTakeFirst();
        if (!row) throw notFound(`user ${id}`);
        request.auditObject = { unitId: row.unit_id };
        request.auditDetails = { username: row.username, sessionsEnded: await endSessions(trx, id) };
        return { value: null, events: [] };
      });
      return one(id);
    });

    app.get('/recorders', {
      config: { action: 'recorder.list' },
      schema: {
        summary: 'List recorders', operationId: 'listRecorders', tags: ['admin'],
        description: 'Every recorder the platform has seen or bound, with the officer it is bound to, that officer\'s unit and when it was last docked.',
        response: { 200: Type.Object({ items: Type.Array(Recorder) }), ...errors },
      },
    }, async () => {
      const rows = await db
        .selectFrom('recorders as r')
        .leftJoin('users as u', 'u.officer_no', 'r.officer_no')
        .select(['r.id', 'r.serial', 'r.vid_pid', 'r.officer_no', 'r.last_docked_at', 'u.display_name', 'u.username', 'u.unit_id'])
        .orderBy('r.serial')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id, serial: r.serial, vidPid: r.vid_pid, officerNo: r.officer_no, officerName: r.display_name ?? r.username ?? null,
          unitId: r.unit_id ?? null, lastDockedAt: r.last_docked_at?.toISOString() ?? null,
        })),
      };
    });

    app.post('/stations/:id/unit', {
      config: { action: 'station.bind', audit: 'station.bind' },
      schema: {
        summary: 'Bind a docking station to a unit', operationId: 'bindStationUnit', tags: ['admin'],
        description: 'Says which unit a docking station belongs to (or none, with `unitId: null`): the unit\'s head and overseers then watch it on the stations page.',
        params: IdParams,
        body: Type.Object({ unitId: Nullable(Uuid) }, { examples: [{ unitId: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f801234' }] }),
        response: { 200: BoundStation, ...errors },
      },
    }, async (request) => {
      const { unitId } = request.body;
      if (unitId && !(await unitExists(unitId))) throw notFound(`unit ${unitId}`);
      const station = await auditedChange(db, request, 200, async (trx) => {
        const before = await trx.selectFrom('stations').select(['code', 'unit_id']).where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!before) throw notFound(`station ${request.params.id}`);
        const row = await trx.updateTable('stations').set({ unit_id: unitId }).where('id', '=', request.params.id).returningAll().executeTakeFirstOrThrow();
        request.auditObject = { unitId: unitId ?? before.unit_id };
        request.auditDetails = { code: row.code, unitId: { from: before.unit_id, to: unitId } };
        return { value: row, events: [] };
      });
      return { id: station.id, code: station.code, name: station.name, unitId: station.unit_id, lastSeenAt: station.last_seen_at?.toISOString() ?? null };
    });

    app.post('/recorders', {
      config: { action: 'recorder.bind', audit: 'recorder.bind' },
      schema: {
        summary: 'Bind a recorder to an officer', operationId: 'bindRecorder', tags: ['admin'],
        description: 'Records which officer carries the recorder with this serial (or none, with `officerNo: null`); footage that names no officer is then attributed to them.',
        body: Type.Object({ serial: Type.String({ minLength: 1, maxLength: 64 }), vidPid: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$' })), officerNo: Nullable(Type.String({ maxLength: 32 })) }, { examples: [{ serial: 'DSJ-A8-0042', vidPid: '2e8a:000a', officerNo: '310123' }] }),
        response: { 200: Type.Object({ id: Type.String(), serial: Type.String(), officerNo: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const b = request.body;
      const officerNo = knownText(b.officerNo);
      const row = await db
        .insertInto('recorders')
        .values({ serial: b.serial, vid_pid: b.vidPid ?? null, officer_no: officerNo })
        .onConflict((oc) => oc.column('serial').doUpdateSet({ officer_no: officerNo }))
        .returning(['id', 'serial', 'officer_no'])
        .executeTakeFirstOrThrow();
      request.auditDetails = { serial: row.serial, officerNo: row.officer_no };
      return { id: row.id, serial: row.serial, officerNo: row.officer_no };
    });

    app.post('/tokens', {
      config: { action: 'token.create', audit: 'token.create' },
      schema: {
        summary: 'Create an API token', operationId: 'createToken', tags: ['admin'],
        description: 'Issues a bearer token for a system account or a station, with a role and optional scopes; the token is shown only in this answer.',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          role: StringEnum(ROLES),
          userId: Type.Optional(Uuid),
          scopes: Type.Optional(Type.Array(StringEnum(TOKEN_SCOPES), { maxItems: 5 })),
        }, { examples: [{ name: '执法办案平台 case system', role: 'handler', userId: '9b2d4e6f-1a3c-4e5f-8a7b-0c1d2e3f4a5b', scopes: ['cases', 'evidence'] }] }),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }), ...errors },
      },
    }, async (request, reply) => {
      if (request.body.userId && !(await db.selectFrom('users').select('id').where('id', '=', request.body.userId).executeTakeFirst())) throw notFound(`user ${request.body.userId}`);
      const made = await createToken(db, request.body);
      request.auditDetails = { tokenId: made.id, name: request.body.name, role: request.body.role, userId: request.body.userId ?? null, scopes: request.body.scopes ?? [] };
      reply.code(201);
      return made;
    });

    app.get('/tokens', {
      config: { action: 'token.list' },
      schema: {
        summary: 'List API tokens', operationId: 'listTokens', tags: ['admin'],
        description: 'Every API token (never its secret): who it acts as, its scopes, when it was made, last used (when known) and revoked.',
        response: { 200: Type.Object({ items: Type.Array(Token) }), ...errors },
      },
    }, async () => {
      const rows = await db
        .selectFrom('api_tokens as t')
        .leftJoin('users as u', 'u.id', 't.user_id')
        .select(['t.id', 't.name', 't.role', 't.user_id', 't.scopes', 't.created_at', 't.last_used_at', 't.revoked_at', 'u.display_name', 'u.username'])
        .orderBy('t.created_at', 'desc')
        .execute();
      return {
        items: rows.map((t) => ({
          id: t.id, name: t.name, role: t.role, userId: t.user_id, userName: t.display_name ?? t.username ?? null, scopes: t.scopes,
          createdAt: t.created_at.toISOString(), lastUsedAt: t.last_used_at?.toISOString() ?? null, revokedAt: t.revoked_at?.toISOString() ?? null,
        })),
      };
    });

    app.delete('/tokens/:id', {
      config: { action: 'token.revoke', audit: 'token.revoke' },
      schema: {
        summary: 'Revoke an API token', operationId: 'revokeToken', tags: ['admin'],
        description: 'The token stops working at once.',
        params: IdParams, response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      const token = await db.selectFrom('api_tokens').select('name').where('id', '=', request.params.id).executeTakeFirst();
      if (!token) throw notFound(`token ${request.params.id}`);
      request.auditDetails = { name: token.name };
      if (!(await revokeToken(db, request.params.id))) throw new Problem(409, 'Conflict', `token ${request.params.id} was revoked already`);
      return reply.code(204).send(null);
    });
  };
}
