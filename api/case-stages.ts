import { CASE_STAGES, STATE_OF_STAGE, type CaseStage, type CaseState } from '../schema/db';

/**
 * The enforcement stages of a case and the rules between them (docs/case-stages.md): pure
 * decisions, used by the case routes and by anything that judges a case's footage.
 */
export { CASE_STAGES, STATE_OF_STAGE, type CaseStage };

/** Cases in these stages are closed: only a reopening leaves them. */
export const FINAL_STAGES: readonly CaseStage[] = ['结案', '移送'];
/** Stages that must have footage when a unit has set no rule of its own. */
export const DEFAULT_RECORDING_RULE: readonly CaseStage[] = ['调查取证', '告知', '送达', '执行'];

const order = (stage: CaseStage) => CASE_STAGES.indexOf(stage);

export interface StageChange {
  from: CaseStage;
  to: CaseStage;
  reason?: string | undefined;
  transferTo?: string | undefined;
  /** The caller may reopen a closed case of this unit (its unit head, an admin). */
  mayReopen: boolean;
}

export type StageDecision = { ok: true; kind: 'unchanged' | 'forward' | 'back' | 'transfer' | 'reopen' } | { ok: false; status: 403 | 422; detail: string };

const refuse = (status: 403 | 422, detail: string): StageDecision => ({ ok: false, status, detail });

/**
 * Whether a case may move from one stage to another. Forward along the order (skipping stages
 * the case does not need) freely; back to an earlier stage (e.g. 审查 returns the case for more
 * investigation) with a reason; 移送 from any open stage with `transferTo` and a reason; out of
 * 结案 or 移送 only by a reopening, by the unit head or an admin, with a reason.
 */
export function decideStageChange(c: StageChange): StageDecision {
  const reason = c.reason?.trim();
  if (c.transferTo !== undefined && c.to !== '移送') return refuse(422, 'transferTo is given only with the stage 移送');
  if (c.from === c.to) return c.to === '移送' && c.transferTo !== undefined ? refuse(422, 'the case is already transferred') : { ok: true, kind: 'unchanged' };
  const reopening = FINAL_STAGES.includes(c.from);
  if (reopening && !c.mayReopen) return refuse(403, `the case is closed (${c.from}); only its unit head or an admin reopens it, with a reason`);
  if (c.to === '移送' && !c.transferTo?.trim()) return refuse(422, '移送 needs transferTo: the police or authority the case goes to');
  if (!reason && (reopening || c.to === '移送')) return refuse(422, `${reopening ? 'reopening a closed case' : '移送'} needs a reason`);
  if (reopening) return { ok: true, kind: 'reopen' };
  if (c.to === '移送') return { ok: true, kind: 'transfer' };
  if (order(c.to) > order(c.from)) return { ok: true, kind: 'forward' };
  return reason ? { ok: true, kind: 'back' } : refuse(422, `going back from ${c.from} to ${c.to} needs a reason`);
}

/**
 * The stage an older client means by a `state`: 办理中 is any stage from 调查取证 to 执行, so a case
 * already in one stays there and a case in 立案 (or reopened from a closed stage) goes to 调查取证.
 */
export function stageForState(state: CaseState, current: CaseStage): CaseStage {
  if (state !== '办理中') return state;
  return STATE_OF_STAGE[current] === '办理中' ? current : '调查取证';
}

/** The stages whose `state` is this one (the `state` filter of the case list). */
export const stagesOfState = (state: CaseState): CaseStage[] => CASE_STAGES.filter((s) => STATE_OF_STAGE[s] === state);

/**
 * The whole-process recording rule: the required stages the case has been in that have no footage
 * linked, in stage order. Stages the case has not reached yet are not missing.
 */
export function missingStages(required: readonly CaseStage[], reached: readonly CaseStage[], withFootage: readonly CaseStage[]): CaseStage[] {
  return CASE_STAGES.filter((s) => required.includes(s) && reached.includes(s) && !withFootage.includes(s));
}

/** What a move to a stage needs besides the stage. */
export type StageNeed = 'reason' | 'transferTo';
export interface StageOption { stage: CaseStage; needs: StageNeed[] }

/**
 * The stages a case may move to from `from`, each with what the move needs: decideStageChange
 * asked for every stage, so the case page offers exactly what the API will accept.
 */
export function nextStages(from: CaseStage, mayReopen: boolean): StageOption[] {
  const attempts: StageNeed[][] = [[], ['reason'], ['reason', 'transferTo']];
  return CASE_STAGES.filter((to) => to !== from).flatMap((to) => {
    const needs = attempts.find((n) => decideStageChange({ from, to, mayReopen, reason: n.includes('reason') ? 'x' : undefined, transferTo: n.includes('transferTo') ? 'x' : undefined }).ok);
    return needs ? [{ stage: to, needs }] : [];
  });
}
