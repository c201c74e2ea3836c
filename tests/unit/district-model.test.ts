import { describe, expect, it } from 'vitest';
import { parseRecorderName } from '../../dock-agent/names';
import {
  compareDelivery, deliveryFailed, DISTRICT, machinesFor, percentile, plannedFiles, recorderIdentity, splitCpu, withOpenTranscodes,
  type EvidenceRow, type RecorderFile,
} from '../bench/district-model';

const file = (n: number, over: Partial<RecorderFile> = {}): RecorderFile => ({ serial: 'DSJ0001', path: `DCIM/normal/f${n}.mp4`, size: 100 + n, sha256: `sha${n}`, sm3: `sm3-${n}`, ...over });
const row = (f: RecorderFile, over: Partial<EvidenceRow> = {}): EvidenceRow => ({ id: `ev-${f.sha256}`, deviceSerial: f.serial, originalPath: f.path, size: f.size, sha256: f.sha256, sm3: f.sm3, ...over });

describe('compareDelivery: every file put on a recorder is one evidence row with its hashes', () => {
  const [a, b, c] = [file(1), file(2), file(3)];
  it.each([
    { name: 'all delivered once', rows: [row(a), row(b), row(c)], lost: 0, duplicated: 0, altered: 0, unexpected: 0 },
    { name: 'one missing', rows: [row(a), row(c)], lost: 1, duplicated: 0, altered: 0, unexpected: 0 },
    { name: 'one twice', rows: [row(a), row(b), row(b, { id: 'again' }), row(c)], lost: 0, duplicated: 1, altered: 0, unexpected: 0 },
    { name: 'same SHA-256, other SM3', rows: [row(a), row(b, { sm3: 'other' }), row(c)], lost: 0, duplicated: 0, altered: 1, unexpected: 0 },
    { name: 'right bytes, wrong recorder', rows: [row(a), row(b, { deviceSerial: 'DSJ0002' }), row(c)], lost: 0, duplicated: 0, altered: 1, unexpected: 0 },
    { name: 'other size', rows: [row(a), row(b, { size: 1 }), row(c)], lost: 0, duplicated: 0, altered: 1, unexpected: 0 },
    { name: 'a row of no file', rows: [row(a), row(b), row(c), row(file(9))], lost: 0, duplicated: 0, altered: 0, unexpected: 1 },
    { name: 'nothing arrived', rows: [], lost: 3, duplicated: 0, altered: 0, unexpected: 0 },
  ])('$name', ({ name: _name, rows, ...counts }) => {
    const d = compareDelivery([a, b, c], rows);
    expect({ lost: d.lost.length, duplicated: d.duplicated.length, altered: d.altered.length, unexpected: d.unexpected.length }).toEqual(counts);
    expect(deliveryFailed(d)).toBe(Object.values(counts).some((n) => n > 0));
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    { values: [], p: 50, want: Number.NaN },
    { values: [7], p: 99, want: 7 },
    { values: [4, 1, 3, 2], p: 50, want: 2 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, want: 99 },
    { values: Array.from({ length: 100 }, (_, i) => 100 - i), p: 100, want: 100 },
    { values: [5, 1], p: 0, want: 1 },
  ])('p$p of $values.length values', ({ values, p, want }) => {
    expect(percentile(values, p)).toEqual(want);
  });
});

describe('recorder files: GA/T 947 names the dock agent parses', () => {
  const start = new Date(Date.UTC(2026, 10, 25, 0, 0, 0));
  it('names each recording {警号}_{设备编号}_{stamp}_{序号}, the last one important, sizes scaled', () => {
    const files = plannedFiles(7, 3, 0.001, 1000, start);
    const { serial, officerNo } = recorderIdentity(7);
    expect(serial).toHaveLength(7);
    expect(officerNo).toMatch(/^\d{6}$/);
    const parsed = files.map((f) => parseRecorderName(f.path, 480));
    expect(parsed.map((p) => [p.officerNo, p.deviceSerial, p.sequence, p.important])).toEqual([
      [officerNo, serial, '0001', false],
      [officerNo, serial, '0002', false],
      [officerNo, serial, '0003', true],
    ]);
    expect(parsed[0]!.recordedAt).toBe(start.toISOString());
    expect(files[2]!.path).toMatch(/^DCIM\/important\/.*IMP\.mp4$/);
    // one after the other, each starting after the previous one's recorded length
    expect(new Date(parsed[1]!.recordedAt!).getTime()).toBeGreaterThan(start.getTime());
    for (const f of files) expect(f.size).toBeGreaterThanOrEqual(800_000);
  });
  it.each([
    { scale: 0.002, minBytes: 0, want: [4_800_000, 2_400_000] },
    { scale: 0.000001, minBytes: 5000, want: [5000, 5000] },
  ])('scale $scale, at least $minBytes bytes', ({ scale, minBytes, want }) => {
    expect(plannedFiles(1, 2, scale, minBytes, start).map((f) => f.size)).toEqual(want);
  });
});

describe('splitCpu: per GB and per recording from a calibration and a run', () => {
  it.each([
    // 10 s/GB and 0.5 s/recording exactly
    { cal: { cpuSeconds: 1.5, gb: 0.1, recordings: 1 }, run: { cpuSeconds: 60, gb: 1, recordings: 100 }, perGB: 10, perRecording: 0.5 },
    // no per-recording cost
    { cal: { cpuSeconds: 2, gb: 0.2, recordings: 1 }, run: { cpuSeconds: 30, gb: 3, recordings: 600 }, perGB: 10, perRecording: 0 },
    // noise makes per GB negative: all of the run is per recording
    { cal: { cpuSeconds: 0.1, gb: 0.2, recordings: 1 }, run: { cpuSeconds: 50, gb: 1, recordings: 100 }, perGB: 0, perRecording: 0.5 },
    // noise makes per recording negative: all of the run is per GB
    { cal: { cpuSeconds: 5, gb: 0.1, recordings: 1 }, run: { cpuSeconds: 20, gb: 2, recordings: 100 }, perGB: 10, perRecording: 0 },
  ])('$run.cpuSeconds s for $run.recordings recordings', ({ cal, run, perGB, perRecording }) => {
    const split = splitCpu(cal, run);
    expect(split.perGB).toBeCloseTo(perGB, 6);
    expect(split.perRecording).toBeCloseTo(perRecording, 6);
  });
  it('two runs of the same shape cannot be split', () => {
    expect(splitCpu({ cpuSeconds: 1, gb: 1, recordings: 10 }, { cpuSeconds: 2, gb: 2, recordings: 20 }).perGB).toBeNaN();
  });
});

describe('withOpenTranscodes: jobs still open are priced at the drain\'s CPU per finished job', () => {
  it.each([
    { run: 100, drain: { cpuSeconds: 20, finished: 10 }, open: 0, cpu: 100, per: 2 },
    { run: 100, drain: { cpuSeconds: 20, finished: 10 }, open: 50, cpu: 200, per: 2 },
    { run: 100, drain: { cpuSeconds: 5, finished: 0 }, open: 50, cpu: 100, per: Number.NaN },
  ])('$open open after $drain.finished finished', ({ run, drain, open, cpu, per }) => {
    expect(withOpenTranscodes(run, drain, open)).toEqual({ cpuSeconds: cpu, perTranscode: per });
  });
});

describe('machinesFor: the docking peak on CPU and on ingest rate, transcoding over the day', () => {
  const load = { ...DISTRICT, gbPerDay: 3600, recordingsPerDay: 3600, recordedHoursPerDay: 2400, shiftsPerDay: 3, dockWindowHours: 1 };
  const machine = { cores: 2, utilization: 0.5 };
  it.each([
    // peak 1,200 GB/h = 333 MB/s and 1,200 recordings/h; 3,600 CPU-s per machine-hour
    { costs: { cpuPerGB: 3, cpuPerRecording: 0, ingestMBps: 1000 }, transcode: 0, byCpu: 1, byThroughput: 1, extra: 0, total: 1 },
    { costs: { cpuPerGB: 30, cpuPerRecording: 0, ingestMBps: 1000 }, transcode: 0, byCpu: 10, byThroughput: 1, extra: 0, total: 10 },
    { costs: { cpuPerGB: 30, cpuPerRecording: 3, ingestMBps: 1000 }, transcode: 0, byCpu: 11, byThroughput: 1, extra: 0, total: 11 },
    { costs: { cpuPerGB: 3, cpuPerRecording: 0, ingestMBps: 50 }, transcode: 0, byCpu: 1, byThroughput: 7, extra: 0, total: 7 },
    // 2,400 h × 3,600 CPU-s over 86,400 s × 2 cores × 0.5 = 100 machines
    { costs: { cpuPerGB: 3, cpuPerRecording: 0, ingestMBps: 1000 }, transcode: 3600, byCpu: 1, byThroughput: 1, extra: 100, total: 101 },
  ])('per GB $costs.cpuPerGB s, per recording $costs.cpuPerRecording s, $costs.ingestMBps MB/s, transcode $transcode s/h', ({ costs, transcode, byCpu, byThroughput, extra, total }) => {
    const m = machinesFor(load, costs, machine, transcode);
    expect(m.peakGBPerHour).toBe(1200);
    expect(m.peakRecordingsPerHour).toBe(1200);
    expect({ byCpu: m.byCpu, byThroughput: m.byThroughput, transcode: m.transcode, total: m.total }).toEqual({ byCpu, byThroughput, transcode: extra, total });
  });
});
