import { describe, expect, it } from 'vitest';
import { compileNamePattern, compileNameRules, DEFAULT_NAME_RULES, GAT947_PATTERN, parseRecorderName } from '../../dock-agent/names';

const CST = 480;

describe('name patterns', () => {
  const custom = compileNameRules(['{officer}-{stamp}*.ext', 'REC_{seq}[!].ext', GAT947_PATTERN], ['紧急', 'Flagged']);

  it.each([
    // The shipped GA/T 947 pattern and important folders.
    ['DCIM/normal/010203_DSJ0001_20261125093000_0001.mp4', DEFAULT_NAME_RULES, { officerNo: '010203', deviceSerial: 'DSJ0001', recordedAt: '2026-11-25T01:30:00.000Z', sequence: '0001', important: false }],
    ['DCIM/normal/010203_DSJ0001_20261125093000_0002IMP.mp4', DEFAULT_NAME_RULES, { important: true, sequence: '0002' }],
    ['DCIM/IMPORTANT/clip.mov', DEFAULT_NAME_RULES, { officerNo: null, important: true }],
    ['important.mp4', DEFAULT_NAME_RULES, { important: false }], // a file named like the folder is not in it
    ['010203_DSJ0001_20261125093000_0001IMPX.mp4', DEFAULT_NAME_RULES, { officerNo: null }],
    ['010203_DSJ0001_20260230093000_0001.mp4', DEFAULT_NAME_RULES, { officerNo: '010203', recordedAt: null }], // Feb 30
    ['010203_DSJ0001_20261125096100_0001.mp4', DEFAULT_NAME_RULES, { recordedAt: null }], // minute 61
    // Unparseable names stay data: every field unknown.
    ['a\nb/../x.mp4', DEFAULT_NAME_RULES, { officerNo: null, deviceSerial: null, recordedAt: null, sequence: null, important: false }],
    // Configured patterns: first match wins; a marker in brackets flags the file important.
    ['x/000777-20261125093000-cam2.MP4', custom, { officerNo: '000777', recordedAt: '2026-11-25T01:30:00.000Z', deviceSerial: null }],
    ['REC_12!.avi', custom, { sequence: '12', important: true }],
    ['REC_12.avi', custom, { sequence: '12', important: false }],
    ['紧急/REC_3.avi', custom, { important: true }],
    ['flagged/any.bin', custom, { important: true }],
    ['010203_DSJ0001_20261125093000_0002IMP.mp4', custom, { deviceSerial: 'DSJ0001', important: true }],
  ])('%s', (path, rules, expected) => {
    expect(parseRecorderName(path, CST, rules)).toMatchObject(expected);
  });

  it.each([
    ['{name}_{stamp}.ext', /unknown field \{name\}/],
    ['{officer}_{警号}.ext', /appears twice/],
    ['{seq}[A][B].ext', /only one \[MARKER\]/],
  ])('refuses the pattern %s with a message that names the problem', (pattern, message) => {
    expect(() => compileNamePattern(pattern)).toThrow(message);
  });

  it('treats regular-expression characters in a pattern as literal text', () => {
    expect(compileNamePattern('a+b({seq}).ext').test('a+b(12).mp4')).toBe(true);
    expect(compileNamePattern('a+b({seq}).ext').test('aab12.mp4')).toBe(false);
  });
});
