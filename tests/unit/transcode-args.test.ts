import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, hlsJob, imagesJob, mp4Job, passthroughJob, posterJob, thumbnailFramesJob, toArgv } from '../../transcode/args';
import type { FfmpegJob } from '../../transcode/args';

/** The value following `flag` in argv, undefined when the flag is absent. */
function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
}

const encode720 = { mode: 'encode', width: 1280, height: 720, frameRate: null } as const;
const images = { poster: '/out/frames/poster.png', posterSeconds: 5, tilesDir: '/out/frames/tiles', intervalSeconds: 3, tileWidth: 160 };

const jobs: Array<[string, FfmpegJob]> = [
  ['remux', mp4Job('/in/a.mkv', '/out/video.mp4', { video: { mode: 'copy' }, audio: { mode: 'copy' } })],
  ['transcode', mp4Job('/in/a.mov', '/out/video.mp4', { video: encode720, audio: { mode: 'encode', channels: 2 } })],
  ['hls', hlsJob('/out/video.mp4', '/out/hls')],
  ['poster', posterJob('/out/video.mp4', '/out/poster.png', 1.25)],
  ['thumbnails', thumbnailFramesJob('/out/video.mp4', '/out/tiles', { intervalSeconds: 2.5, tileWidth: 160, keyframesOnly: true })],
  ['passthrough', passthroughJob('/in/a.mp4', '/out/passthrough', { hevc: true, audio: { mode: 'copy' } })],
  ['passthrough with images', passthroughJob('/in/a.mp4', '/out/passthrough', { hevc: true, audio: { mode: 'copy' }, images })],
  ['images', imagesJob('/out/video.mp4', images)],
];

describe('every job', () => {
  it.each(jobs)('%s: local-file-only input, no stdin, overwrite, progress on stderr', (_, job) => {
    expect(job.global.slice(0, GLOBAL_OPTIONS.length)).toEqual(GLOBAL_OPTIONS);
    expect(job.global).toEqual(expect.arrayContaining(['-nostdin', '-y', '-progress', 'pipe:2']));
    for (const input of job.inputs) {
      expect(flagValue(input.options, '-protocol_whitelist')).toBe('file');
      expect(input.path).toMatch(/^file:\//);
    }
    for (const output of job.outputs) expect(output.path).toMatch(/^file:\//);
  });

  it.each(jobs)('%s: toArgv is global options, then inputs, then outputs', (_, job) => {
    const argv = toArgv(job);
    expect(argv.slice(0, GLOBAL_OPTIONS.length)).toEqual(GLOBAL_OPTIONS);
    const input = job.inputs[0];
    expect(argv[argv.indexOf('-i') + 1]).toBe(input?.path);
    expect(argv.at(-1)).toBe(job.outputs.at(-1)?.path);
    expect(argv.indexOf('-protocol_whitelist')).toBeLessThan(argv.indexOf('-i'));
  });
});

describe('mp4Job', () => {
  it.each([
    // name, plan, expected flag values, flags that must be absent
    ['remux', { video: { mode: 'copy' }, audio: { mode: 'copy' } }, { '-c:v': 'copy', '-c:a': 'copy' }, ['-vf', '-an', '-fps_mode']],
    ['remux without audio', { video: { mode: 'copy' }, audio: { mode: 'none' } }, { '-c:v': 'copy' }, ['-c:a', '-vf']],
    [
      'transcode',
      { video: encode720, audio: { mode: 'encode', channels: 2 } },
      {
        '-c:v': 'libx264', '-preset': 'veryfast', '-crf': '23', '-pix_fmt': 'yuv420p',
        '-vf': 'scale=1280:720,setsar=1', '-c:a': 'aac', '-ac': '2',
      },
      ['-fps_mode', '-an'],
    ],
    [
      'VFR to constant 30 fps',
      { video: { ...encode720, frameRate: 30 }, audio: { mode: 'copy' } },
      { '-vf': 'fps=30,scale=1280:720,setsar=1', '-fps_mode': 'cfr', '-c:a': 'copy' },
      [],
    ],
    [
      'audio only encoded',
      { video: { mode: 'copy' }, audio: { mode: 'encode', channels: 1 } },
      { '-c:v': 'copy', '-c:a': 'aac', '-ac': '1', '-b:a': '64k' },
      ['-vf'],
    ],
  ] as const)('%s', (_, plan, expected, absent) => {
    const argv = toArgv(mp4Job('/in/a', '/out/video.mp4', plan));
    for (const [flag, value] of Object.entries(expected)) expect(flagValue(argv, flag), flag).toBe(value);
    for (const flag of absent) expect(argv, flag).not.toContain(flag);
    expect(flagValue(argv, '-movflags')).toBe('+faststart');
    expect(flagValue(argv, '-f')).toBe('mp4');
    expect(argv.slice(argv.indexOf('-map'), argv.indexOf('-map') + 2)).toEqual(['-map', '0:V:0']);
  });

  it('maps the first audio stream or drops audio explicitly', () => {
    expect(toArgv(mp4Job('/a', '/b', { video: { mode: 'copy' }, audio: { mode: 'copy' } }))).toContain('0:a:0');
    expect(toArgv(mp4Job('/a', '/b', { video: { mode: 'copy' }, audio: { mode: 'none' } }))).toContain('-an');
  });

  it('puts keyframes on a fixed 2 s grid when encoding, for seeking and HLS segments', () => {
    const argv = toArgv(mp4Job('/a', '/b', { video: encode720, audio: { mode: 'none' } }));
    expect(flagValue(argv, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
  });

  it('resolves relative paths', () => {
    const job = mp4Job('in.mov', 'out.mp4', { video: { mode: 'copy' }, audio: { mode: 'none' } });
    expect(job.inputs[0]?.path).toBe(`file:${process.cwd()}/in.mov`);
    expect(job.outputs[0]?.path).toBe(`file:${process.cwd()}/out.mp4`);
  });
});

describe('hlsJob', () => {
  it('copies into fMP4 segments with a VOD playlist', () => {
    const argv = toArgv(hlsJob('/out/video.mp4', '/out/hls'));
    expect(argv).toEqual(expect.arrayContaining(['-c', 'copy']));
    expect(flagValue(argv, '-f')).toBe('hls');
    expect(flagValue(argv, '-hls_segment_type')).toBe('fmp4');
    expect(flagValue(argv, '-hls_playlist_type')).toBe('vod');
    expect(flagValue(argv, '-hls_time')).toBe('4');
    expect(flagValue(argv, '-hls_fmp4_init_filename')).toBe('init.mp4');
    expect(flagValue(argv, '-hls_segment_filename')).toBe('file:/out/hls/seg-%04d.m4s');
    expect(argv.at(-1)).toBe('file:/out/hls/index.m3u8');
  });
});

describe('posterJob', () => {
  it('seeks accurately to the time, so a clip whose only keyframe lies before it still has a poster', () => {
    const job = posterJob('/v.mp4', '/p.png', 1.25);
    expect(job.inputs[0]?.options).toEqual(['-protocol_whitelist', 'file', '-ss', '1.250']);
    const argv = toArgv(job);
    expect(flagValue(argv, '-frames:v')).toBe('1');
    expect(flagValue(argv, '-c:v')).toBe('png');
  });
});

describe('thumbnailFramesJob', () => {
  it.each([
    [true, ['-protocol_whitelist', 'file', '-skip_frame:v', 'nokey']],
    [false, ['-protocol_whitelist', 'file']],
  ])('keyframesOnly=%s input options', (keyframesOnly, inputOptions) => {
    const job = thumbnailFramesJob('/v.mp4', '/t', { intervalSeconds: 2.5, tileWidth: 160, keyframesOnly });
    expect(job.inputs[0]?.options).toEqual(inputOptions);
  });

  it('selects spaced frames, scales them small and names them by millisecond timestamp', () => {
    const argv = toArgv(thumbnailFramesJob('/v.mp4', '/t', { intervalSeconds: 2.5, tileWidth: 160, keyframesOnly: true }));
    expect(flagValue(argv, '-vf')).toBe('select=isnan(prev_selected_t)+gte(t-prev_selected_t\\,2.500),scale=160:-2');
    expect(flagValue(argv, '-fps_mode')).toBe('passthrough');
    expect(flagValue(argv, '-enc_time_base')).toBe('1/1000');
    expect(flagValue(argv, '-frame_pts')).toBe('1');
    expect(argv.at(-1)).toBe('file:/t/%d.png');
  });
});

describe('passthroughJob', () => {
  const hls = (argv: string[]) => ({ '-c:v': flagValue(argv, '-c:v'), '-tag:v': flagValue(argv, '-tag:v'), '-f': flagValue(argv, '-f'), '-hls_time': flagValue(argv, '-hls_time') });

  it('stream-copies into HLS, tagging H.265 hvc1; alone it decodes nothing', () => {
    const job = passthroughJob('/in/a.mp4', '/out/p', { hevc: true, audio: { mode: 'copy' } });
    expect(job.outputs.map((o) => o.path)).toEqual(['file:/out/p/index.m3u8']);
    expect(job.inputs[0]?.options).toEqual(['-protocol_whitelist', 'file']);
    expect(job.global).toEqual(GLOBAL_OPTIONS);
    expect(hls(toArgv(job))).toEqual({ '-c:v': 'copy', '-tag:v': 'hvc1', '-f': 'hls', '-hls_time': '4' });
  });

  it('with images, the same run decodes only keyframes into the poster and the tiles; the copy is unchanged', () => {
    const alone = passthroughJob('/in/a.mp4', '/out/p', { hevc: false, audio: { mode: 'copy' } });
    const job = passthroughJob('/in/a.mp4', '/out/p', { hevc: false, audio: { mode: 'copy' }, images });
    expect(job.inputs).toHaveLength(1);
    expect(job.inputs[0]?.options).toEqual(['-protocol_whitelist', 'file', '-skip_frame:v', 'nokey']);
    expect(job.outputs[0]).toEqual(alone.outputs[0]);
    expect(job.outputs.slice(1)).toEqual(imagesJob('/in/a.mp4', images).outputs);
    expect(job.global).toEqual(imagesJob('/in/a.mp4', images).global);
  });
});

describe('imagesJob', () => {
  const job = imagesJob('/v.mp4', images);
  const argv = toArgv(job);

  it('decodes keyframes only, once, for both the poster and the tiles', () => {
    expect(job.inputs[0]?.options).toEqual(['-protocol_whitelist', 'file', '-skip_frame:v', 'nokey']);
    expect(flagValue(argv, '-filter_complex')).toBe(
      '[0:V:0]split[p][t];' +
        // The poster: the first frame, then the first keyframe from 5 s on (overwriting it).
        '[p]select=isnan(prev_selected_t)+gte(t\\,5.000)*lt(prev_selected_t\\,5.000)[poster];' +
        '[t]select=isnan(prev_selected_t)+gte(t-prev_selected_t\\,3.000),scale=160:-2[tiles]',
    );
  });

  it('writes one full-size poster PNG and tiles named by millisecond timestamp', () => {
    const [poster, tiles] = job.outputs;
    expect(poster?.path).toBe('file:/out/frames/poster.png');
    expect(flagValue(poster?.options ?? [], '-map')).toBe('[poster]');
    expect(flagValue(poster?.options ?? [], '-update')).toBe('1');
    expect(flagValue(poster?.options ?? [], '-c:v')).toBe('png');
    expect(tiles?.path).toBe('file:/out/frames/tiles/%d.png');
    expect(flagValue(tiles?.options ?? [], '-map')).toBe('[tiles]');
    expect(flagValue(tiles?.options ?? [], '-enc_time_base')).toBe('1/1000');
    expect(flagValue(tiles?.options ?? [], '-frame_pts')).toBe('1');
  });
});
