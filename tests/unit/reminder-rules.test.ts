import { describe, expect, it } from 'vitest';
import { reminderState, reminderTransition, type ReminderActor, type ReminderStatus, type ReminderStep } from '../../api/reminder-rules';

const now = new Date('2026-11-26T10:00:00Z');
const due = (iso: string) => new Date(iso);

describe('the state a reminder reads as', () => {
  it.each<[ReminderStatus, string, string]>([
    ['待回复', '2026-11-27T00:00:00Z', '待回复'],
    ['待回复', '2026-11-26T10:00:00Z', '待回复'], // due this very moment: not yet late
    ['待回复', '2026-11-26T09:59:59.999Z', '逾期'],
    ['已退回', '2026-11-30T00:00:00Z', '已退回'],
    ['已退回', '2026-11-01T00:00:00Z', '逾期'],
    // The unit answered: the supervisor's turn, whatever the date.
    ['已回复', '2026-11-01T00:00:00Z', '已回复'],
    ['已办结', '2026-11-01T00:00:00Z', '已办结'],
    ['已办结', '2026-12-01T00:00:00Z', '已办结'],
  ])('%s due %s reads %s', (status, dueAt, state) => {
    expect(reminderState({ status, due_at: due(dueAt) }, now)).toBe(state);
  });
});

describe('who moves a reminder on, and from where', () => {
  const ok = (next: ReminderStatus) => ({ ok: true, next });
  const no = (status: 403 | 409, detail: RegExp) => expect.objectContaining({ ok: false, status, detail: expect.stringMatching(detail) });
  it.each<[ReminderStatus, ReminderStep, ReminderActor, unknown]>([
    ['待回复', 'respond', 'unit', ok('已回复')],
    ['已退回', 'respond', 'unit', ok('已回复')],
    ['已回复', 'respond', 'unit', no(409, /已回复 cannot be responded to/)],
    ['已办结', 'respond', 'unit', no(409, /已办结 cannot be responded to/)],
    ['待回复', 'respond', 'issuer', no(403, /only the head of the reminded unit may respond/)],
    ['已回复', 'return', 'issuer', ok('已退回')],
    ['已回复', 'close', 'issuer', ok('已办结')],
    ['待回复', 'close', 'issuer', no(409, /待回复 cannot be closed \(only one that is 已回复\)/)],
    ['已退回', 'return', 'issuer', no(409, /已退回 cannot be returned/)],
    ['已办结', 'close', 'issuer', no(409, /已办结 cannot be closed/)],
    ['已办结', 'return', 'issuer', no(409, /cannot be returned/)],
    ['已回复', 'close', 'other', no(403, /only the supervisor who issued it may close/)],
    ['已回复', 'return', 'other', no(403, /only the supervisor who issued it may return/)],
    ['已回复', 'close', 'unit', no(403, /only the supervisor who issued it/)],
    // Refused for who it is before when it is: a stranger learns nothing of the state.
    ['已办结', 'close', 'other', no(403, /only the supervisor/)],
  ])('%s, %s by %s', (status, step, by, decision) => {
    expect(reminderTransition(status, step, by)).toEqual(decision);
  });
});
