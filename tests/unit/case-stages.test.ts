import { describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING_RULE, decideStageChange, missingStages, nextStages, stageForState, stagesOfState, type CaseStage } from '../../api/case-stages';
import { CASE_STAGES, STATE_OF_STAGE } from '../../schema/db';

const ok = (kind: string) => ({ ok: true, kind });
const no = (status: 403 | 422, detail: RegExp) => expect.objectContaining({ ok: false, status, detail: expect.stringMatching(detail) });

describe('stage transitions', () => {
  it.each([
    // [from, to, reason, transferTo, may reopen, decision]
    ['立案', '立案', undefined, undefined, false, ok('unchanged')],
    ['立案', '调查取证', undefined, undefined, false, ok('forward')],
    ['调查取证', '审查', undefined, undefined, false, ok('forward')],
    ['审查', '决定', undefined, undefined, false, ok('forward')],
    ['执行', '结案', undefined, undefined, false, ok('forward')],
    ['立案', '结案', undefined, undefined, false, ok('forward')],
    ['审查', '调查取证', undefined, undefined, false, no(422, /going back from 审查 to 调查取证 needs a reason/)],
    ['审查', '调查取证', '   ', undefined, false, no(422, /needs a reason/)],
    ['审查', '调查取证', '证据不足，补充调查', undefined, false, ok('back')],
    ['调查取证', '移送', '涉嫌犯罪', '区公安分局', false, ok('transfer')],
    ['调查取证', '移送', undefined, '区公安分局', false, no(422, /移送 needs a reason/)],
    ['调查取证', '移送', '涉嫌犯罪', undefined, false, no(422, /needs transferTo/)],
    ['调查取证', '移送', '涉嫌犯罪', ' ', false, no(422, /needs transferTo/)],
    ['调查取证', '审查', undefined, '区公安分局', false, no(422, /transferTo is given only with the stage 移送/)],
    ['移送', '移送', '再次', '另一机关', true, no(422, /already transferred/)],
    ['结案', '结案', undefined, undefined, false, ok('unchanged')],
    ['结案', '执行', '当事人未履行', undefined, false, no(403, /only its unit head or an admin reopens/)],
    ['移送', '调查取证', '公安退回', undefined, false, no(403, /closed \(移送\)/)],
    ['结案', '执行', undefined, undefined, true, no(422, /reopening a closed case needs a reason/)],
    ['结案', '执行', '当事人未履行', undefined, true, ok('reopen')],
    ['移送', '调查取证', '公安不予立案，退回', undefined, true, ok('reopen')],
    ['结案', '移送', '发现涉嫌犯罪', '区公安分局', true, ok('reopen')],
    ['结案', '移送', '发现涉嫌犯罪', undefined, true, no(422, /needs transferTo/)],
  ] as const)('%s → %s (reason %s, transferTo %s, may reopen %s)', (from, to, reason, transferTo, mayReopen, decision) => {
    expect(decideStageChange({ from, to, reason, transferTo, mayReopen })).toEqual(decision);
  });
});

describe('the older state field', () => {
  it('every stage has one state, and each state names its stages', () => {
    expect(Object.keys(STATE_OF_STAGE)).toEqual([...CASE_STAGES]);
    expect(stagesOfState('办理中')).toEqual(['调查取证', '审查', '告知', '决定', '送达', '执行']);
    expect([stagesOfState('立案'), stagesOfState('结案'), stagesOfState('移送')]).toEqual([['立案'], ['结案'], ['移送']]);
  });

  it.each([
    ['立案', '立案', '立案'],
    ['办理中', '立案', '调查取证'],
    ['办理中', '告知', '告知'],
    ['办理中', '执行', '执行'],
    ['办理中', '结案', '调查取证'],
    ['办理中', '移送', '调查取证'],
    ['结案', '执行', '结案'],
    ['移送', '审查', '移送'],
    ['立案', '审查', '立案'],
  ] as const)('state %s sent for a case in %s means stage %s', (state, current, stage) => {
    expect(stageForState(state, current)).toBe(stage);
  });
});

describe('which required stages lack footage', () => {
  const all: CaseStage[] = ['立案', '调查取证', '审查', '告知', '决定', '送达', '执行', '结案'];
  it.each([
    // [required, reached, stages with footage, missing]
    [DEFAULT_RECORDING_RULE, ['立案'], [], []],
    [DEFAULT_RECORDING_RULE, ['立案', '调查取证'], [], ['调查取证']],
    [DEFAULT_RECORDING_RULE, ['立案', '调查取证'], ['调查取证'], []],
    [DEFAULT_RECORDING_RULE, all, ['调查取证', '送达'], ['告知', '执行']],
    [DEFAULT_RECORDING_RULE, all, ['立案', '审查', '结案'], ['调查取证', '告知', '送达', '执行']],
    // Skipped stages (no penalty: no 告知, 执行) are not missing.
    [DEFAULT_RECORDING_RULE, ['立案', '调查取证', '审查', '决定', '结案'], ['调查取证'], []],
    // Footage of a stage the rule does not require does not stand in for one it does.
    [['调查取证', '告知'], ['立案', '调查取证', '告知'], ['立案', '审查'], ['调查取证', '告知']],
    // Order follows the stages, whatever order the rule lists them in.
    [['执行', '告知'], all, [], ['告知', '执行']],
    [[], all, [], []],
    [['移送'], ['立案', '调查取证', '移送'], [], ['移送']],
  ] as const)('required %j, reached %j, footage %j: missing %j', (required, reached, footage, missing) => {
    expect(missingStages(required, reached, footage)).toEqual(missing);
  });

  it('the default rule is 调查取证, 告知, 送达, 执行', () => {
    expect(DEFAULT_RECORDING_RULE).toEqual(['调查取证', '告知', '送达', '执行']);
  });
});

describe('the stages a case may move to next (what the case page offers)', () => {
  const R = ['reason'];
  const RT = ['reason', 'transferTo'];
  it.each([
    // [from, may reopen, offered: stage → needs]
    ['立案', false, { 调查取证: [], 审查: [], 告知: [], 决定: [], 送达: [], 执行: [], 结案: [], 移送: RT }],
    ['审查', false, { 立案: R, 调查取证: R, 告知: [], 决定: [], 送达: [], 执行: [], 结案: [], 移送: RT }],
    ['执行', false, { 立案: R, 调查取证: R, 审查: R, 告知: R, 决定: R, 送达: R, 结案: [], 移送: RT }],
    ['结案', false, {}],
    ['移送', false, {}],
    ['结案', true, { 立案: R, 调查取证: R, 审查: R, 告知: R, 决定: R, 送达: R, 执行: R, 移送: RT }],
    ['移送', true, { 立案: R, 调查取证: R, 审查: R, 告知: R, 决定: R, 送达: R, 执行: R, 结案: R }],
  ] as const)('from %s (may reopen %s)', (from, mayReopen, offered) => {
    expect(Object.fromEntries(nextStages(from, mayReopen).map((o) => [o.stage, o.needs]))).toEqual(offered);
  });

  it('every offered move is one decideStageChange accepts with what it says it needs, and refuses without it', () => {
    for (const from of CASE_STAGES) {
      for (const mayReopen of [false, true]) {
        for (const { stage: to, needs } of nextStages(from, mayReopen)) {
          const full = { from, to, mayReopen, reason: needs.includes('reason') ? '理由' : undefined, transferTo: needs.includes('transferTo') ? '区公安分局' : undefined };
          expect(decideStageChange(full).ok).toBe(true);
          if (needs.length > 0) expect(decideStageChange({ ...full, reason: undefined }).ok).toBe(false);
        }
      }
    }
  });
});
