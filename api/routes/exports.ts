import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import { enqueue } from '../../core/jobs';
import type { Principal } from '../../core/principal';
import type { SigningKey } from '../../core/signing-key';
import { SM2_DISTINGUISHING_ID } from '../../core/sm2';
import type { ObjectStore } from '../../core/store/port';
import type { Db } from '../../schema/database';
import { Person, peopleById } from '../people';
import { loadCase, visibleEvidence } from '../scoped';
import { Bytes, IdParams, Nullable, StringEnum, errors, problemResponse } from '../schemas';
import { sendObject } from '../send-object';

const ExportStatus = Type.Object({
  exportId: Type.String(),
  caseId: Type.String(),
  status: StringEnum(['building', 'ready', 'failed'] as const),
  reason: Type.String(),
  receiver: Nullable(Type.String()),
  exporter: Type.String(),
  /** Who asked for it, by name and 警号, when a user did. */
  exportedBy: Nullable(Person),
  bytesDone: Type.Integer(),
  bytesTotal: Type.Integer(),
  sha256: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  keyFingerprint: Type.String(),
  href: Type.String(),
  error: Type.Optional(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

export interface ExportDeps {
  db: Db;
  store: ObjectStore;
  signingKey: SigningKey;
}

/** Court exports (docs/export-format.md): built by the export job (export/job.ts), downloadable with Range, recorded on the case. */
export function exportRoutes(deps: ExportDeps) {
  const { db, store } = deps;

  async function describe(id: string): Promise<Static<typeof ExportStatus>> {
    const row = await db.selectFrom('case_exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const people = await peopleById(db, [row.requested_by]);
    return {
      exportId: row.id, caseId: row.case_id, status: row.status, reason: row.reason, receiver: row.receiver, exporter: row.exporter_name,
      exportedBy: people.get(row.requested_by) ?? null,
      bytesDone: Number(row.bytes_done), bytesTotal: Number(row.bytes_total), sha256: row.sha256, size: row.size === null ? null : Number(row.size),
      keyFingerprint: row.key_fingerprint, href: `/api/exports/${row.id}/package.zip`, ...(row.error ? { error: row.error } : {}),
      createdAt: row.created_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  /** The export row, if its case is in the caller's scope. */
  async function loadExport(p: Principal, id: string) {
    const row = await db.selectFrom('case_exports').select(['id', 'case_id', 'status', 'storage_key', 'size', 'sha256']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`export ${id}`);
    await loadCase(db, p, row.case_id).catch(() => {
      throw notFound(`export ${id}`);
    });
    return row;
  }

  return async (app: HttpServer) => {
    app.get('/export-signing-key', {
      config: { action: 'export.signing-key' },
      schema: {
        summary: 'The keys that sign court exports', operationId: 'getExportSigningKey', tags: ['exports'],
        description: 'The platform\'s Ed25519 public key (PEM) and its SHA-256 fingerprint, which every export manifest names, and its SM2 public key with the distinguishing ID its signatures use (`sm2`): give them to the court to check packages.',
        response: {
          200: Type.Object({
            algorithm: Type.Literal('Ed25519'),
            fingerprint: Type.String(),
            publicKeyPem: Type.String(),
            sm2: Type.Object({ algorithm: Type.Literal('SM2'), fingerprint: Type.String(), publicKeyPem: Type.String(), distinguishingId: Type.String() }),
          }),
          ...errors,
        },
      },
    }, async () => ({
      algorithm: 'Ed25519' as const,
      fingerprint: deps.signingKey.fingerprint,
      publicKeyPem: deps.signingKey.publicKeyPem,
      sm2: { algorithm: 'SM2' as const, fingerprint: deps.signingKey.sm2.fingerprint, publicKeyPem: deps.signingKey.sm2.publicKeyPem, distinguishingId: SM2_DISTINGUISHING_ID },
    }));

    app.post('/cases/:id/exports', {
      config: { action: 'export.create', audit: 'case.export' },
      schema: {
        summary: 'Export a case for court', operationId: 'createCaseExport', tags: ['exports'],
        description: 'Queues a signed export package of every file linked to the case, with a reason and an optional receiver. Answers 202 with the export\'s status; poll GET /api/exports/{id} until `ready`. A case without evidence answers 409.',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 2000 }), receiver: Type.Optional(Type.String({ maxLength: 500 })) }, { examples: [{ reason: '移送法院审理 for the court hearing', receiver: '高新区人民法院 district court' }] }),
        response: { 202: ExportStatus, ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const caseRow = await loadCase(db, p, request.params.id);
      request.auditObject = { unitId: caseRow.unit_id };
      const linked = await db.selectFrom('case_evidence').select('evidence_id').where('case_id', '=', caseRow.id).orderBy('linked_at').execute();
      if (linked.length === 0) throw new Problem(409, 'Nothing To Export', 'the case has no evidence linked');
      const ids = linked.map((l) => l.evidence_id);
      const visible = await visibleEvidence(db, p).select('evidence.id').where('evidence.id', 'in', ids).execute();
      if (visible.length !== ids.length) {
        throw new Problem(403, 'Forbidden', `${ids.length - visible.length} of the case's files are outside your scope; a supervising role must export this case`);
      }
      const exportId = randomUUID();
      // The export is a job queued with its row: whichever process runs export jobs builds it, and runs it again if that process dies.
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('case_exports')
          .values({ id: exportId, case_id: caseRow.id, requested_by: p.userId ?? p.id, exporter_name: p.name, exporter_role: p.role, reason: request.body.reason, receiver: request.body.receiver ?? null, key_fingerprint: deps.signingKey.fingerprint })
          .execute();
        await enqueue(trx, 'export', { exportId, evidenceIds: ids });
      });
      request.auditDetails = { exportId, reason: request.body.reason, receiver: request.body.receiver ?? null, files: ids.length };
      reply.code(202);
      return describe(exportId);
    });

    app.get('/cases/:id/exports', {
      config: { action: 'export.read', audit: 'case.exports' },
      schema: {
        summary: 'List exports of a case', operationId: 'listCaseExports', tags: ['exports'],
        description: 'Every export of the case, newest first, with its state.',
        params: IdParams, response: { 200: Type.Object({ items: Type.Array(ExportStatus) }), ...errors },
      },
    }, async (request) => {
      const caseRow = await loadCase(db, request.principal!, request.params.id);
      request.auditObject = { unitId: caseRow.unit_id };
      const rows = await db.selectFrom('case_exports').select('id').where('case_id', '=', caseRow.id).orderBy('created_at', 'desc').execute();
      return { items: await Promise.all(rows.map((r) => describe(r.id))) };
    });

    app.get('/exports/:id', {
      config: { action: 'export.read', audit: 'export.status' },
      schema: {
        summary: 'Status of an export', operationId: 'getExport', tags: ['exports'],
        description: 'Whether the package is queued, building, ready or failed, with its size and SHA-256 once ready.',
        params: IdParams, response: { 200: ExportStatus, ...errors },
      },
    }, async (request) => {
      await loadExport(request.principal!, request.params.id);
      return describe(request.params.id);
    });

    app.get('/exports/:id/package.zip', {
      config: { action: 'export.download', noStore: true, audit: 'export.download' },
      schema: {
        summary: 'Download an export package', operationId: 'downloadExportPackage', tags: ['exports'],
        description: 'The signed ZIP package (Range supported). 409 while it is not ready. Check it offline with `evidence verify` or verify.html.',
        params: IdParams, response: { 200: Bytes, 206: Bytes, 416: problemResponse(416), ...errors },
      },
    }, async (request, reply) => {
      const p = request.principal!;
      const row = await loadExport(p, request.params.id);
      // The package embeds its files: whoever fetches it must be able to see each one (export.packaged custody events name them).
      const { n } = await db
        .selectFrom('custody_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', 'export.packaged')
        .where(sql<string>`details->>'exportId'`, '=', row.id)
        .where('evidence_id', 'not in', visibleEvidence(db, p).select('evidence.id'))
        .executeTakeFirstOrThrow();
      if (Number(n) > 0) throw new Problem(403, 'Forbidden', `${n} of the package's files are outside your scope; a supervising role must fetch this package`);
      if (row.status !== 'ready' || !row.storage_key || row.size === null || !row.sha256) {
        throw new Problem(409, 'Not Ready', `the package is ${row.status}`, { status: row.status });
      }
      return sendObject(store, reply, request.headers.range, {
        key: row.storage_key,
        size: Number(row.size),
        sha256: row.sha256,
        contentType: 'application/zip',
        disposition: `attachment; filename="export-${row.id}.zip"`,
      });
    });
  };
}
