import { Type } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import { knownText } from '../../core/names';
import { hashPassword } from '../../core/passwords';
import { createToken, revokeToken } from '../../core/tokens';
import type { Db } from '../../schema/database';
import { ROLES } from '../../schema/db';
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
const ListedUser = Type.Object({ ...User.properties, failedLogins: Type.Integer(), lockedUntil: Nullable(Type.String()) });

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
    }));
  };

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
        response: { 201: User, ...errors },
      },
    }, async (request, reply) => {
      const b = request.body;
      for (const unit of [...(b.unitId ? [b.unitId] : []), ...(b.oversees ?? [])]) if (!(await unitExists(unit))) throw notFound(`unit ${unit}`);
      const needs = accountNeeds(b.role);
      if (needs === 'unit' && !b.unitId) throw new Problem(400, 'Bad Request', `a ${b.role} belongs to a unit: give unitId`);
      if (needs === 'oversees' && !b.oversees?.length) throw new Problem(400, 'Bad Request', `an ${b.role} needs the units in their charge: give oversees`);
      const passwordHash = await hashPassword(b.password);
      const user = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ username: b.username, password_hash: passwordHash, role: b.role, unit_id: b.unitId ?? null, officer_no: b.officerNo ?? null, display_name: b.displayName ?? null })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new Problem(409, 'Conflict', 'that user name or officer number is taken');
        if (b.oversees?.length) await trx.insertInto('user_oversees').values(b.oversees.map((unit_id) => ({ user_id: row.id, unit_id }))).execute();
        return row;
      });
      request.auditDetails = { userId: user.id, username: user.username, role: user.role };
      request.auditObject = { unitId: user.unit_id };
      reply.code(201);
      return { id: user.id, username: user.username, role: user.role, unitId: user.unit_id, officerNo: user.officer_no, displayName: user.display_name, oversees: b.oversees ?? [] };
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
      const made = await createToken(db, request.body);
      request.auditDetails = { tokenId: made.id, name: request.body.name, role: request.body.role };
      reply.code(201);
      return made;
    });

    app.delete('/tokens/:id', {
      config: { action: 'token.revoke', audit: 'token.revoke' },
      schema: {
        summary: 'Revoke an API token', operationId: 'revokeToken', tags: ['admin'],
        description: 'The token stops working at once.',
        params: IdParams, response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      if (!(await revokeToken(db, request.params.id))) throw notFound(`token ${request.params.id}`);
      return reply.code(204).send(null);
    });
  };
}
