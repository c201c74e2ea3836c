import { describe, expect, it } from 'vitest';
import { humanBytes, megabytes, wholeMebibytes } from '../../core/bytes';
import { isNetworkError } from '../../core/network';
import { humanSize } from '../../export/cover-sheet';

describe('byte formatting', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1_500_000, '1.5 MB'],
    [64 * 1024 ** 3, '68.7 GB'],
    [2.5e15, '2500.0 TB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(humanBytes(bytes)).toBe(text);
  });

  it('counts from megabytes where small sizes should still read as MB', () => {
    expect(humanBytes(5e6, 'MB')).toBe('5.0 MB');
    expect(humanBytes(500_000, 'MB')).toBe('0.5 MB');
    expect(humanBytes(1e9, 'MB')).toBe('1.0 GB');
  });

  it('gives megabytes with one decimal, and whole mebibytes for the *_MB settings', () => {
    expect(megabytes(120_049_999)).toBe('120.0');
    expect(megabytes(0)).toBe('0.0');
    expect(wholeMebibytes(1024 ** 3 - 1)).toBe(1023);
  });

  it('writes sizes on the cover sheet with the exact byte count', () => {
    expect(humanSize(512)).toBe('512 B');
    expect(humanSize(104_857_600)).toBe('104.9 MB（104,857,600 字节）');
  });
});

describe('network errors', () => {
  const coded = (code: unknown) => Object.assign(new Error(String(code)), { code });
  it.each([
    [coded('ECONNREFUSED'), true],
    [coded('ECONNRESET'), true],
    [coded('ECONNABORTED'), true],
    [coded('ETIMEDOUT'), true],
    [coded('EAI_AGAIN'), true],
    [coded('UND_ERR_SOCKET'), true],
    [coded('ENOENT'), false],
    [coded('57P01'), false],
    [coded(404), false],
    [new Error('ECONNREFUSED in a message only'), false],
    [null, false],
    ['ECONNREFUSED', false],
  ])('%s → %s', (error, network) => {
    expect(isNetworkError(error)).toBe(network);
  });
});
