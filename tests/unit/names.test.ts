import { describe, expect, it } from 'vitest';
import { displayName, firstKnown, knownText } from '../../core/names';
import { parseRecorderName } from '../../dock-agent/names';

const CST = 480;

describe('parseRecorderName (GA/T 947)', () => {
  it.each([
    ['DCIM/normal/010203_DSJ0001_20261125093000_0001.mp4', { officerNo: '010203', deviceSerial: 'DSJ0001', recordedAt: '2026-11-25T01:30:00.000Z', sequence: '0001', important: false }],
    ['DCIM/normal/010203_DSJ0001_20261125093000_0002IMP.mp4', { officerNo: '010203', deviceSerial: 'DSJ0001', important: true }],
    ['DCIM/important/010203_DSJ0001_20261125093000_0003.MP4', { important: true, sequence: '0003' }],
    ['010203_DSJ0001_20261231235959_12.avi', { recordedAt: '2026-12-31T15:59:59.000Z' }],
    ['010203_DSJ0001_20261331000000_1.mp4', { officerNo: '010203', recordedAt: null }],
    ['VID_0001.mp4', { officerNo: null, deviceSerial: null, recordedAt: null, sequence: null, important: false }],
    ['DCIM/重要/clip.mov', { officerNo: null, important: true }],
    ['../../etc/passwd', { officerNo: null, important: false }],
  ])('%s', (path, expected) => {
    expect(parseRecorderName(path, CST)).toMatchObject(expected);
  });
});

describe('displayName', () => {
  it.each([
    [Buffer.from('DCIM/a.mp4'), 'DCIM/a.mp4'],
    [Buffer.from('执法/录像.mp4'), '执法/录像.mp4'],
    [Buffer.from([0xd6, 0xd8, 0xd2, 0xaa]), '重要'],
    [Buffer.from('a\nb\u0000c'), 'a\\x0ab\\x00c'],
  ])('%s', (raw, shown) => {
    expect(displayName(raw)).toBe(shown);
  });
});

describe('knownText: blank recorder fields are unknown', () => {
  it.each([
    ['', null],
    ['   ', null],
    ['\u0000\u0000', null],
    [null, null],
    [undefined, null],
    ['010203', '010203'],
    [' 010203\u0000\u0000', '010203'],
    ['01 02', '01 02'],
  ])('%j → %j', (value, known) => {
    expect(knownText(value)).toBe(known);
  });

  it('falls back past blanks, which `??` does not', () => {
    expect(firstKnown('', '  ', null, '010203', '999')).toBe('010203');
    expect(firstKnown('', undefined)).toBeNull();
  });
});
