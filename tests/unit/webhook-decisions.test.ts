import { describe, expect, it } from 'vitest';
import { RETRY_POLICY, addressAllowed, afterFailure, checkWebhookUrl, isPrivateAddress, orderKey, visibleEventTypes } from '../../api/webhook-rules';
import { EVENT_TYPES } from '../../core/events';
import type { Role } from '../../schema/db';

const t0 = new Date('2026-11-26T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const S = 1000;
const H = 3_600_000;

describe('retry schedule after a failed delivery', () => {
  it.each([
    // [failed attempts so far, time of this failure (ms after the first attempt), wait before the next]
    [1, 0, 30 * S],
    [2, 30 * S, 60 * S],
    [3, 90 * S, 120 * S],
    [4, 210 * S, 240 * S],
    [7, 1890 * S, 1920 * S],
    [8, 3810 * S, H], // 3840 s would exceed the cap
    [30, 20 * H, H],
    [31, 24 * H - 1, H],
  ])('failure %i at +%i ms: next in %i ms', (attempts, when, wait) => {
    expect(afterFailure(t0, attempts, at(when))).toEqual({ state: 'pending', nextAttemptAt: at(when + wait) });
  });

  it.each([[5, 24 * H], [40, 24 * H + 1], [1, 30 * H]])('failure %i at +%i ms: given up', (attempts, when) => {
    expect(afterFailure(t0, attempts, at(when))).toEqual({ state: 'failed' });
  });

  it('keeps trying for at least 24 hours, with waits that never shrink', () => {
    let now = t0;
    let attempts = 0;
    let last = 0;
    for (;;) {
      attempts++;
      const next = afterFailure(t0, attempts, now);
      if (next.state === 'failed') break;
      const wait = next.nextAttemptAt.getTime() - now.getTime();
      expect(wait).toBeGreaterThanOrEqual(last);
      last = wait;
      now = next.nextAttemptAt;
    }
    expect(now.getTime() - t0.getTime()).toBeGreaterThanOrEqual(RETRY_POLICY.giveUpAfterMs);
    expect(attempts).toBeLessThan(40);
  });
});

describe('receiver URLs', () => {
  it.each([
    ['https://cases.example.gov.cn/hooks', false],
    ['http://203.0.113.9:8080/in', false],
    ['https://[2001:db8::1]/in', false],
    ['http://127.0.0.1:9000/', true],
    ['http://localhost/', true],
    ['http://[::1]/', true],
  ])('%s (allow private: %s) is accepted', (url, allowPrivate) => {
    expect(checkWebhookUrl(url, allowPrivate)).toMatchObject({ ok: true });
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://example.com/x', /only http and https/],
    ['file:///etc/passwd', /only http and https/],
    ['javascript:alert(1)', /only http and https/],
    ['https://user:pw@example.com/', /user name or password/],
    ['http://127.0.0.1/', /loopback or private/],
    ['http://localhost:8080/', /loopback or private/],
    ['http://api.localhost/', /loopback or private/],
    ['http://10.1.2.3/', /loopback or private/],
    ['http://172.20.0.1/', /loopback or private/],
    ['http://192.168.1.1/', /loopback or private/],
    ['http://169.254.169.254/latest/meta-data', /loopback or private/],
    ['http://0.0.0.0/', /loopback or private/],
    ['http://[::1]/', /loopback or private/],
    ['http://[fe80::1]/', /loopback or private/],
    ['http://[fd12:3456::1]/', /loopback or private/],
    ['http://[::ffff:127.0.0.1]/', /loopback or private/],
    ['http://2130706433/', /loopback or private/], // 127.0.0.1 written as a number; the URL parser normalizes it
    ['http://0x7f.1/', /loopback or private/],
  ])('%s is refused', (url, reason) => {
    const checked = checkWebhookUrl(url, false);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toMatch(reason);
  });

  it.each([
    ['8.8.8.8', false],
    ['203.0.113.9', false],
    ['2001:4860:4860::8888', false],
    ['127.0.0.53', true],
    ['10.0.0.1', true],
    ['100.64.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.0.1', true],
    ['169.254.1.1', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['::', true],
    ['::1', true],
    ['fe80::1%eth0', true],
    ['fc00::1', true],
    ['fdff::1', true],
    ['ff02::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', true],
    ['not-an-address', true],
  ])('a delivery to the resolved address %s is private: %s', (address, refused) => {
    expect(isPrivateAddress(address)).toBe(refused);
    expect(addressAllowed(address, false)).toBe(!refused);
    expect(addressAllowed(address, true)).toBe(true);
  });
});

describe('which events a webhook or feed reader hears of', () => {
  const all = [...EVENT_TYPES];
  const evidenceEvents = all.filter((t) => t.startsWith('evidence.'));
  const caseEvents = all.filter((t) => t.startsWith('case.'));
  it.each<[Role, readonly string[] | undefined, string[]]>([
    ['admin', undefined, all],
    ['unit_head', undefined, all],
    ['overseer', undefined, all],
    // Supervision reminders are for the unit's head and its supervisors, not the handlers.
    ['handler', undefined, all.filter((t) => !t.startsWith('reminder.'))],
    ['auditor', undefined, all],
    // Footage events pass for every role: the evidence scope then shows a complainant or a station none.
    // Exports are for staff; a complainant hears of the cases they reported, a station of no case.
    ['complainant', undefined, [...evidenceEvents, ...caseEvents]],
    ['station', undefined, evidenceEvents],
    ['admin', ['evidence.verified', 'export.ready'], ['evidence.verified', 'export.ready']],
    ['complainant', ['export.ready', 'case.created'], ['case.created']],
    ['admin', ['no.such.event'], []],
    ['auditor', evidenceEvents, evidenceEvents],
  ])('%s subscribed to %j', (role, subscribed, expected) => {
    expect(visibleEventTypes(role, subscribed)).toEqual(expected);
  });

  it.each([
    [{ caseId: 'c1', evidenceId: 'e1', id: 'x' }, 'case:c1'],
    [{ caseId: null, evidenceId: 'e1', id: 'x' }, 'evidence:e1'],
    [{ caseId: null, evidenceId: null, id: 'x' }, 'event:x'],
  ])('%o goes out in the order of %s', (event, key) => {
    expect(orderKey(event)).toBe(key);
  });
});
