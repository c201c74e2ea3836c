import { describe, expect, it } from 'vitest';
import { PRIORITY_BAND, jobPriority, type Placement, type TranscodePriority } from '../../core/jobs';
import { readConfig, type Hwaccel } from '../../core/config';
import { mp4Job, toArgv } from '../../transcode/args';
import { assemblyProblem, planChunks } from '../../transcode/chunks';
import { decodesOnDevice, encoderName, videoEncodeArgs } from '../../transcode/hwaccel';
import { transcodePlacement } from '../../transcode/queue';

describe('transcode placement: tier from who waits, share from the unit', () => {
  it.each<[TranscodePriority | undefined, string | null, Placement]>([
    ['interactive', 'u1', { tier: 0, share: 'u1' }],
    ['linked', 'u1', { tier: 1, share: 'u1' }],
    ['background', 'u2', { tier: 2, share: 'u2' }],
    [undefined, 'u2', { tier: 2, share: 'u2' }],
    ['interactive', null, { tier: 0, share: 'no-unit' }],
  ])('%s, unit %s', (priority, unit, placement) => {
    expect(transcodePlacement(priority, unit)).toEqual(placement);
  });
});

describe('jobPriority (BullMQ: lower runs first, 1 .. 2^21-1)', () => {
  it.each<[number, number, number]>([
    [0, 0, 1],
    [0, 5, 6],
    [1, 0, 1 + PRIORITY_BAND],
    [2, 0, 1 + 2 * PRIORITY_BAND],
    [2, 41, 42 + 2 * PRIORITY_BAND],
    // A backlog beyond the band stays in its tier.
    [0, 10 * PRIORITY_BAND, PRIORITY_BAND],
    [2, 10 * PRIORITY_BAND, 3 * PRIORITY_BAND],
    // A counter that drifted below zero (Redis flushed under running jobs) counts as empty.
    [1, -3, 1 + PRIORITY_BAND],
  ])('tier %i, backlog %i: %i', (tier, backlog, priority) => {
    expect(jobPriority(tier, backlog)).toBe(priority);
    expect(priority).toBeLessThan(2 ** 21);
  });

  it('an interactive job of the busiest unit runs before any background job', () => {
    expect(jobPriority(0, 10 * PRIORITY_BAND)).toBeLessThan(jobPriority(1, 0));
    expect(jobPriority(1, 10 * PRIORITY_BAND)).toBeLessThan(jobPriority(2, 0));
  });

  /** Queues jobs as the dispatcher does (each share's backlog counted up) and answers the run order. */
  function runOrder(arrivals: Array<[TranscodePriority, string]>): string[] {
    const open = new Map<string, number>();
    const queued = arrivals.map(([priority, unit], arrival) => {
      const { tier, share } = transcodePlacement(priority, unit);
      const field = `${tier}/${share}`;
      const backlog = open.get(field) ?? 0;
      open.set(field, backlog + 1);
      return { label: `${unit}:${priority}`, priority: jobPriority(tier, backlog), arrival };
    });
    // BullMQ: by priority, equal priorities in arrival order.
    return queued.sort((x, y) => x.priority - y.priority || x.arrival - y.arrival).map((j) => j.label);
  }

  it.each<[string, Array<[TranscodePriority, string]>, string[]]>([
    [
      "one unit's backlog does not block another's",
      [['background', 'A'], ['background', 'A'], ['background', 'A'], ['background', 'B']],
      ['A:background', 'B:background', 'A:background', 'A:background'],
    ],
    [
      'units take turns',
      [['background', 'A'], ['background', 'A'], ['background', 'B'], ['background', 'B'], ['background', 'C']],
      ['A:background', 'B:background', 'C:background', 'A:background', 'B:background'],
    ],
    [
      'an interactive request overtakes a queue full of background jobs',
      [['background', 'A'], ['background', 'B'], ['linked', 'A'], ['interactive', 'A']],
      ['A:interactive', 'A:linked', 'A:background', 'B:background'],
    ],
  ])('%s', (_, arrivals, order) => {
    expect(runOrder(arrivals)).toEqual(order);
  });
});

describe('hardware encoders: argument builders per accelerator', () => {
  const target = { width: 1280, height: 720, frameRate: null };
  const optionAfter = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];

  it.each<[Hwaccel, boolean, string[], string, string, string[]]>([
    ['none', false, [], 'scale=1280:720,setsar=1', 'libx264', ['-crf', '23']],
    ['none', true, [], 'scale=1280:720,setsar=1', 'libx264', ['-crf', '23']],
    ['vaapi', true, ['-hwaccel', 'vaapi', '-hwaccel_device', '/dev/dri/renderD128', '-hwaccel_output_format', 'vaapi'], 'scale_vaapi=w=1280:h=720:format=nv12,setsar=1', 'h264_vaapi', ['-rc_mode', 'CQP', '-qp', '23']],
    ['vaapi', false, ['-init_hw_device', 'vaapi=hw:/dev/dri/renderD128', '-filter_hw_device', 'hw'], 'format=nv12,hwupload,scale_vaapi=w=1280:h=720:format=nv12,setsar=1', 'h264_vaapi', ['-rc_mode', 'CQP', '-qp', '23']],
    ['qsv', true, ['-init_hw_device', 'vaapi=va:/dev/dri/renderD128', '-init_hw_device', 'qsv=hw@va', '-filter_hw_device', 'hw', '-hwaccel', 'qsv', '-hwaccel_output_format', 'qsv'], 'scale_qsv=w=1280:h=720,setsar=1', 'h264_qsv', ['-global_quality', '23']],
    ['qsv', false, ['-init_hw_device', 'vaapi=va:/dev/dri/renderD128', '-init_hw_device', 'qsv=hw@va', '-filter_hw_device', 'hw'], 'format=nv12,hwupload=extra_hw_frames=64,scale_qsv=w=1280:h=720,setsar=1', 'h264_qsv', ['-global_quality', '23']],
    ['nvenc', true, ['-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda'], 'scale_cuda=1280:720:format=nv12,setsar=1', 'h264_nvenc', ['-rc', 'vbr', '-cq', '23', '-b:v', '0']],
    ['nvenc', false, ['-init_hw_device', 'cuda=hw', '-filter_hw_device', 'hw'], 'format=nv12,hwupload_cuda,scale_cuda=1280:720:format=nv12,setsar=1', 'h264_nvenc', ['-rc', 'vbr', '-cq', '23', '-b:v', '0']],
  ])('%s, decode on device %s', (accel, hwDecode, input, filters, encoder, rateControl) => {
    const args = videoEncodeArgs(accel, target, { hwDecode, keyframeSeconds: 2 });
    expect(args.input).toEqual(input);
    expect(optionAfter(args.output, '-vf')).toBe(filters);
    expect(optionAfter(args.output, '-c:v')).toBe(encoder);
    expect(encoderName(accel)).toBe(encoder);
    const at = args.output.indexOf(rateControl[0]!);
    expect(args.output.slice(at, at + rateControl.length)).toEqual(rateControl);
    // Every accelerator: H.264 High, keyframes on the HLS grid.
    expect(optionAfter(args.output, '-profile:v')).toBe('high');
    expect(optionAfter(args.output, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    // Hardware encoders take the device's nv12 frames; only libx264 is told the pixel format.
    expect(args.output.includes('-pix_fmt') && optionAfter(args.output, '-pix_fmt')).toBe(accel === 'none' && 'yuv420p');
  });

  it.each<[Hwaccel, string]>([
    ['none', 'fps=30,scale=1280:720,setsar=1'],
    ['vaapi', 'fps=30,format=nv12,hwupload,scale_vaapi=w=1280:h=720:format=nv12,setsar=1'],
  ])('a forced frame rate comes first and is constant (%s)', (accel, filters) => {
    const { output } = videoEncodeArgs(accel, { ...target, frameRate: 30 }, { hwDecode: false, keyframeSeconds: 2 });
    expect(optionAfter(output, '-vf')).toBe(filters);
    expect(optionAfter(output, '-fps_mode')).toBe('cfr');
  });

  it.each<[Hwaccel, string, number, boolean]>([
    ['vaapi', 'h264', 0, true],
    ['nvenc', 'hevc', 0, true],
    ['qsv', 'hevc', 90, false], // autorotation filters need software frames
    ['vaapi', 'mjpeg', 0, false],
    ['none', 'h264', 0, false],
  ])('%s decodes %s rotated %i on the device: %s', (accel, codec, rotation, yes) => {
    expect(decodesOnDevice(accel, { codec, rotation })).toBe(yes);
  });

  it('mp4Job puts the decode flags on the input and the encoder on the output', () => {
    const argv = toArgv(mp4Job('/in/a.mp4', '/out/video.mp4', { video: { mode: 'encode', ...target }, audio: { mode: 'copy' } }, { accel: 'vaapi', hwDecode: true }));
    expect(argv.indexOf('-hwaccel')).toBeLessThan(argv.indexOf('-i'));
    expect(argv.indexOf('h264_vaapi')).toBeGreaterThan(argv.indexOf('-i'));
    // A stream copy needs no accelerator.
    expect(toArgv(mp4Job('/in/a.mp4', '/out/video.mp4', { video: { mode: 'copy' }, audio: { mode: 'copy' } }, { accel: 'vaapi', hwDecode: true }))).not.toContain('-hwaccel');
  });

  it.each([['none'], ['vaapi'], ['qsv'], ['nvenc']])('EVIDENCE_HWACCEL=%s is read', (value) => {
    expect(readConfig({ EVIDENCE_HWACCEL: value }).transcode.hwaccel).toBe(value);
  });

  it('EVIDENCE_HWACCEL: unset is software, an unknown name is refused', () => {
    expect(readConfig({}).transcode.hwaccel).toBe('none');
    expect(() => readConfig({ EVIDENCE_HWACCEL: 'cuda' })).toThrow('EVIDENCE_HWACCEL must be none, vaapi, qsv, nvenc, got "cuda"');
  });
});

describe('chunk plan: cuts on keyframes', () => {
  const every = (step: number, until: number) => Array.from({ length: Math.floor(until / step) }, (_, i) => i * step);
  const bounds = (chunks: { start: number; end: number }[]) => chunks.map((c) => [c.start, c.end]);

  it.each<[string, number[], number, number, number[][]]>([
    ['keyframes every 2 s, 120 s in 30 s chunks', every(2, 120), 120, 30, [[0, 30], [30, 60], [60, 90], [90, 120]]],
    ['a cut waits for the next keyframe', [0, 7, 14, 21, 28, 35, 42, 49, 56, 63], 70, 30, [[0, 35], [35, 70]]],
    ['a short tail stays with the chunk before it', every(2, 130), 130, 30, [[0, 30], [30, 60], [60, 90], [90, 130]]],
    ['a tail of half a chunk is its own', every(2, 136), 136, 30, [[0, 30], [30, 60], [60, 90], [90, 120], [120, 136]]],
    ['one keyframe only: one chunk', [0], 120, 30, [[0, 120]]],
    ['shorter than a chunk: one chunk', every(2, 20), 20, 30, [[0, 20]]],
    ['keyframes in any order', [60, 0, 30, 90, 45, 15, 75], 120, 30, [[0, 30], [30, 60], [60, 90], [90, 120]]],
  ])('%s', (_, keyframes, duration, chunkSeconds, expected) => {
    const chunks = planChunks(keyframes, duration, chunkSeconds);
    expect(bounds(chunks)).toEqual(expected);
    expect(chunks.map((c) => c.index)).toEqual(expected.map((_, i) => i));
  });
});

describe('a joined recording is whole: duration within 0.1 s, no missing frames', () => {
  const frames = (count: number, step = 0.04) => Array.from({ length: count }, (_, i) => Math.round(i * step * 1000) / 1000);

  it.each<[string, number, number, number[], string | null]>([
    ['whole', 120, 120, frames(3000), null],
    ['frames listed out of order (B-frames)', 0.2, 0.2, [0, 0.08, 0.04, 0.16, 0.12], null],
    ['0.1 s shorter is within tolerance', 120, 119.9, frames(2998), null],
    ['a lost chunk end', 120, 119.5, frames(2988), "duration 119.500 s differs from the source's 120.000 s by more than 0.1 s"],
    ['one frame missing', 0.2, 0.2, [0, 0.04, 0.12, 0.16], 'video jumps from 0.040 s to 0.120 s (frames missing)'],
    ['no video', 1, 1, [], 'no video frames'],
    ['no duration', 1, Number.NaN, frames(25), "duration NaN s differs from the source's 1.000 s by more than 0.1 s"],
  ])('%s', (_, sourceSeconds, resultSeconds, framePts, problem) => {
    expect(assemblyProblem({ sourceSeconds, resultSeconds, framePts, frameSeconds: 0.04 })).toBe(problem);
  });
});
