import { describe, expect, it } from 'vitest';
import { csvCell } from '../../api/audit-csv';
import { personLabel } from '../../core/display';
import { zhLabel } from '../../core/labels';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['李娜', '李娜'],
    [42, '42'],
    [null, ''],
    ['=1+2', "'=1+2"],
    ['+86 10 1234', "'+86 10 1234"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x","y")', '"\'=HYPERLINK(""x"",""y"")"'],
    ['two\nlines', '"two\nlines"'],
    ['a=b', 'a=b'],
  ])('%j → %s', (value, cell) => expect(csvCell(value)).toBe(cell));
});

describe('personLabel', () => {
  it.each([
    [{ name: 'li.na', displayName: '李娜', officerNo: '310123' }, '李娜（警号 310123）'],
    [{ name: 'li.na', displayName: '李娜', officerNo: null }, '李娜'],
    [{ name: 'li.na', displayName: null, officerNo: '310123' }, 'li.na（警号 310123）'],
    [{ name: 'li.na', displayName: '  ', officerNo: null }, 'li.na'],
    [{ name: 'checkpoint-writer' }, 'checkpoint-writer'],
  ])('%j → %s', (person, label) => expect(personLabel(person)).toBe(label));
});

describe('zhLabel', () => {
  it.each([
    ['action', 'evidence.view', '观看视频'],
    ['outcome', 'denied', '拒绝'],
    ['role', 'unit_head', '单位负责人'],
    ['action', 'something.new', 'something.new'],
  ] as const)('%s %s → %s', (kind, value, label) => expect(zhLabel(kind, value)).toBe(label));
});
