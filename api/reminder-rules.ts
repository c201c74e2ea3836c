import type { ReminderStatus } from '../schema/db';

/** Supervision reminders (监督提醒, issue 16 item 4): their state and who may move them on. Pure, table-tested. */

export const REMINDER_STATUSES = ['待回复', '已回复', '已办结', '已退回'] as const satisfies readonly ReminderStatus[];
/** What a reader sees: the stored status, or 逾期 while the unit owes an answer past the due date. */
export const REMINDER_STATES = [...REMINDER_STATUSES, '逾期'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];
export type { ReminderStatus };

/** Stored statuses in which the unit owes an answer; past the due date they read 逾期. */
export const AWAITING_UNIT: readonly ReminderStatus[] = ['待回复', '已退回'];

export function reminderState(row: { status: ReminderStatus; due_at: Date }, now: Date): ReminderState {
  return AWAITING_UNIT.includes(row.status) && row.due_at.getTime() < now.getTime() ? '逾期' : row.status;
}

export type ReminderStep = 'respond' | 'return' | 'close';
/** Who takes the step: the head of the reminder's unit, the supervisor who issued it, or another supervisor. */
export type ReminderActor = 'unit' | 'issuer' | 'other';

export type ReminderTransition = { ok: true; next: ReminderStatus } | { ok: false; status: 403 | 409; detail: string };

const STEPS: Record<ReminderStep, { by: ReminderActor; from: readonly ReminderStatus[]; to: ReminderStatus; who: string }> = {
  // A late answer is still an answer: 逾期 is 待回复 or 已退回 past the due date.
  respond: { by: 'unit', from: AWAITING_UNIT, to: '已回复', who: 'the head of the reminded unit' },
  return: { by: 'issuer', from: ['已回复'], to: '已退回', who: 'the supervisor who issued it' },
  close: { by: 'issuer', from: ['已回复'], to: '已办结', who: 'the supervisor who issued it' },
};

/** The status a step leads to from `status`, or why it may not be taken (403: not theirs to take; 409: not now). */
export function reminderTransition(status: ReminderStatus, step: ReminderStep, by: ReminderActor): ReminderTransition {
  const rule = STEPS[step];
  if (by !== rule.by) return { ok: false, status: 403, detail: `only ${rule.who} may ${step} a reminder` };
  if (!rule.from.includes(status)) return { ok: false, status: 409, detail: `a reminder that is ${status} cannot be ${step === 'respond' ? 'responded to' : step === 'return' ? 'returned' : 'closed'} (only one that is ${rule.from.join(' or ')})` };
  return { ok: true, next: rule.to };
}
