import { Type } from 'typebox';
import { notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { covers, unitScope } from '../access';
import { CASE_STAGES, DEFAULT_RECORDING_RULE, type CaseStage } from '../case-stages';
import { IdParams, Nullable, StringEnum, errors } from '../schemas';

/** The stages a unit's cases must have footage of: its own rule, or the default. */
export async function requiredStagesOf(db: Db, unitId: string): Promise<CaseStage[]> {
  const row = await db.selectFrom('unit_recording_rules').select('required_stages').where('unit_id', '=', unitId).executeTakeFirst();
  return row ? row.required_stages : [...DEFAULT_RECORDING_RULE];
}

const RecordingRules = Type.Object({
  unitId: Type.String(),
  requiredStages: Type.Array(StringEnum(CASE_STAGES)),
  /** True while the unit has set no rule of its own. */
  isDefault: Type.Boolean(),
  updatedAt: Nullable(Type.String()),
});

const DESCRIPTION = `Whole-process recording (全过程记录): the enforcement stages whose footage every case of the unit must have. A stage the case has been in without footage linked at that stage is listed in the case's \`missingStages\` (GET /api/cases/{id}/evidence). Default: ${DEFAULT_RECORDING_RULE.join(', ')}.`;

/** Each unit's whole-process recording rule (docs/case-stages.md). */
export function recordingRuleRoutes(deps: { db: Db }) {
  const { db } = deps;

  /** The unit, if the caller works in or supervises it; out of scope reads as absent. */
  async function unitInScope(p: Principal, id: string): Promise<string> {
    const unit = covers(unitScope(p), id) ? await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst() : undefined;
    if (!unit) throw notFound(`unit ${id}`);
    return unit.id;
  }

  async function describe(unitId: string) {
    const row = await db.selectFrom('unit_recording_rules').select(['required_stages', 'updated_at']).where('unit_id', '=', unitId).executeTakeFirst();
    return { unitId, requiredStages: row?.required_stages ?? [...DEFAULT_RECORDING_RULE], isDefault: !row, updatedAt: row?.updated_at.toISOString() ?? null };
  }

  return async (app: HttpServer) => {
    app.get('/units/:id/recording-rules', {
      config: { action: 'unit.recording-rules.read' },
      schema: {
        summary: "A unit's recording rule",
        description: `${DESCRIPTION} Readable by the staff who work in or supervise the unit.`,
        tags: ['cases'],
        operationId: 'getRecordingRules',
        params: IdParams,
        response: { 200: RecordingRules, ...errors },
      },
    }, async (request) => describe(await unitInScope(request.principal!, request.params.id)));

    app.put('/units/:id/recording-rules', {
      config: { action: 'unit.recording-rules.write', audit: 'unit.recording-rules' },
      schema: {
        summary: "Set a unit's recording rule",
        description: `${DESCRIPTION} Set by the unit's head, an overseer of the unit or an admin; audited.`,
        tags: ['cases'],
        operationId: 'putRecordingRules',
        params: IdParams,
        body: Type.Object(
          { requiredStages: Type.Array(StringEnum(CASE_STAGES), { maxItems: CASE_STAGES.length, uniqueItems: true }) },
          { examples: [{ requiredStages: ['调查取证', '告知', '送达', '执行'] }] },
        ),
        response: { 200: RecordingRules, ...errors },
      },
    }, async (request) => {
      const p = request.principal!;
      const unitId = await unitInScope(p, request.params.id);
      request.auditObject = { unitId };
      const before = await requiredStagesOf(db, unitId);
      const requiredStages = CASE_STAGES.filter((s) => request.body.requiredStages.includes(s));
      request.auditDetails = { requiredStages: { from: before, to: requiredStages } };
      await db
        .insertInto('unit_recording_rules')
        .values({ unit_id: unitId, required_stages: requiredStages, updated_by: p.userId, updated_at: new Date() })
        .onConflict((oc) => oc.column('unit_id').doUpdateSet({ required_stages: requiredStages, updated_by: p.userId, updated_at: new Date() }))
        .execute();
      return describe(unitId);
    });
  };
}
