import type { Derivative } from './api';
import { h } from './dom';
import { clock } from './format';
import { t, texts } from './i18n';
import { DEFAULT_FPS, SEEK_SECONDS, SPEEDS, frameStep, nextSpeed, shortcut, type Command, type KeyTarget } from './player-controls';

const m = texts({
  speed: '播放速度',
  frameBack: '上一帧',
  frameForward: '下一帧',
  fullscreen: '全屏',
  exitFullscreen: '退出全屏',
  shortcuts: '快捷键',
  keySpace: '空格',
  keyPlay: '播放 / 暂停',
  keySeek: '后退 / 前进 {n} 秒',
  keyFrames: '上一帧 / 下一帧（先暂停）',
  keyFullscreen: '全屏 / 退出全屏',
  keySpeed: '减速 / 加速',
  keysNotWhileTyping: '在输入框中打字时快捷键不起作用。',
  fps: '逐帧时每步 1/{fps} 秒。',
  preparing: '此浏览器无法直接播放该录像的编码，正在转码，几秒后开始播放…',
  renditionFailed: '转码失败，暂时无法在此浏览器播放。',
}, {
  speed: 'Speed',
  frameBack: 'Previous frame',
  frameForward: 'Next frame',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  shortcuts: 'Keyboard shortcuts',
  keySpace: 'Space',
  keyPlay: 'Play / pause',
  keySeek: 'Back / forward {n} s',
  keyFrames: 'Previous / next frame (pauses)',
  keyFullscreen: 'Full screen on / off',
  keySpeed: 'Slower / faster',
  keysNotWhileTyping: 'Shortcuts do nothing while you type in a field.',
  fps: 'A frame step moves 1/{fps} s.',
  preparing: 'This browser cannot play the recording\'s codec; transcoding, playback starts in a few seconds…',
  renditionFailed: 'Transcoding failed; this browser cannot play the recording for now.',
});

/** What the focused element is, for the shortcuts: typing in a field is never a command. */
function keyTarget(target: EventTarget | null): KeyTarget {
  if (target instanceof HTMLInputElement) return target.type === 'range' ? 'slider' : ['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type) ? 'button' : 'text';
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable)) return 'text';
  if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target instanceof HTMLElement && target.tagName === 'SUMMARY') return 'button';
  return 'other';
}

/** thumbnails.json as the transcode pipeline writes it: tile i covers [tiles[i].seconds, tiles[i+1].seconds). */
interface ThumbnailSheet {
  image: string;
  tileWidth: number;
  tileHeight: number;
  tiles: { seconds: number; x: number; y: number }[];
}

export interface Player {
  element: HTMLElement;
  seek(seconds: number): void;
  currentTime(): number;
  /** 0 until known. */
  duration(): number;
  /** Of the derivative, from its probe, or DEFAULT_FPS. */
  frameRate: number;
  /** Bookmark positions, drawn as ticks on the seek bar. */
  setMarkers(seconds: number[]): void;
}

const KEY_STEPS: Record<string, number> = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };

/**
 * A video with its own controls: play, a seek bar that previews frames from the thumbnail sprite,
 * time, mute. HLS goes through hls.js where Media Source Extensions exist; otherwise the MP4 (Range).
 */
/** The H.264 rendition as createRendition answers it. */
export interface RenditionAnswer {
  state: 'queued' | 'running' | 'ready' | 'failed';
  href: string;
  segments: number;
}

/** Where the footage comes from beyond the derivatives: the passthrough and, failing that, the rendition made on request. */
export interface PlaybackSources {
  passthrough: { href: string; codecs: string } | null;
  requestRendition: () => Promise<RenditionAnswer>;
}

export function createPlayer(derivatives: Derivative[], frameRate: number | null, signal: AbortSignal, onFirstPlay: () => void, sources: PlaybackSources): Player {
  const fps = frameRate && frameRate > 0 ? frameRate : DEFAULT_FPS;
  const find = (kind: string) => derivatives.find((d) => d.kind === kind);
  const video = h('video', { preload: 'metadata', playsinline: true, poster: find('poster')?.href, 'aria-label': t('video') });
  const play = h('button', { type: 'button', class: 'play' }, t('play'));
  const seek = h('input', { type: 'range', min: 0, max: 0, step: 0.1, value: 0, 'aria-label': t('seek') });
  const previewTime = h('span', { class: 'preview-time' });
  const preview = h('div', { class: 'preview', 'aria-hidden': 'true', hidden: true }, previewTime);
  const markers = h('div', { class: 'markers', 'aria-hidden': 'true' });
  const time = h('span', { class: 'time' }, '0:00 / 0:00');
  const mute = h('button', { type: 'button', 'aria-pressed': 'false' }, t('mute'));
  const status = h('p', { class: 'player-status', role: 'status' });
  const frameBack = h('button', { type: 'button', title: `${m('frameBack')} (,)`, onclick: () => command('frame-back') }, m('frameBack'));
  const frameForward = h('button', { type: 'button', title: `${m('frameForward')} (.)`, onclick: () => command('frame-forward') }, m('frameForward'));
  const speed = h('select', { name: 'speed', onchange: () => setSpeed(Number(speed.value)) },
    SPEEDS.map((s) => h('option', { value: s, selected: s === 1 }, `${s}×`)));
  const fullscreen = h('button', { type: 'button', title: `${m('fullscreen')} (F)`, onclick: () => command('fullscreen') }, m('fullscreen'));
  const key = (...keys: string[]) => h('span', {}, keys.flatMap((k, i) => [i > 0 ? ' / ' : '', h('kbd', {}, k)]));
  const help = h('details', { class: 'shortcuts' },
    h('summary', {}, m('shortcuts')),
    h('dl', {},
      h('dt', {}, key(m('keySpace'))), h('dd', {}, m('keyPlay')),
      h('dt', {}, key('←', '→')), h('dd', {}, m('keySeek', { n: SEEK_SECONDS })),
      h('dt', {}, key(',', '.')), h('dd', {}, m('keyFrames')),
      h('dt', {}, key('F')), h('dd', {}, m('keyFullscreen')),
      h('dt', {}, key('[', ']')), h('dd', {}, m('keySpeed')),
    ),
    h('p', {}, m('keysNotWhileTyping'), ' ', m('fps', { fps: Math.round(fps * 100) / 100 })),
  );
  const element = h('section', { class: 'player', 'aria-label': t('player') },
    video,
    h('div', { class: 'controls' }, play, h('div', { class: 'track' }, markers, seek, preview), time, mute),
    h('div', { class: 'controls more' }, frameBack, frameForward, h('label', { class: 'speed' }, m('speed'), speed), fullscreen, help),
    status,
  );
  let marks: number[] = [];
  let sheet: ThumbnailSheet | null = null;
  let sprite = '';
  let hideTimer = 0;

  const duration = () => (Number.isFinite(video.duration) ? video.duration : 0);
  const to = (seconds: number) => {
    video.currentTime = Math.min(Math.max(seconds, 0), duration() || seconds);
  };

  function showPreview(seconds: number) {
    const d = duration();
    if (!sheet || d === 0) return;
    const tile = sheet.tiles.findLast((tile) => tile.seconds <= seconds) ?? sheet.tiles[0];
    if (!tile) return;
    Object.assign(preview.style, {
      width: `${sheet.tileWidth}px`,
      height: `${sheet.tileHeight}px`,
      backgroundImage: `url("${sprite}")`,
      backgroundPosition: `-${tile.x}px -${tile.y}px`,
      left: `${(Math.min(seconds, d) / d) * 100}%`,
    });
    previewTime.textContent = clock(seconds);
    preview.hidden = false;
  }
  const hidePreview = () => {
    preview.hidden = true;
  };

  function drawMarkers() {
    const d = duration();
    markers.replaceChildren(...(d > 0 ? marks.map((s) => h('span', { style: `left: ${(Math.min(s, d) / d) * 100}%` })) : []));
  }

  function updateTime() {
    const label = `${clock(video.currentTime)} / ${clock(duration())}`;
    time.textContent = label;
    seek.setAttribute('aria-valuetext', label);
    seek.value = String(video.currentTime);
  }

  video.addEventListener('durationchange', () => {
    seek.max = String(duration());
    updateTime();
    drawMarkers();
  });
  video.addEventListener('timeupdate', updateTime);
  video.addEventListener('play', () => (play.textContent = t('pause')));
  video.addEventListener('pause', () => (play.textContent = t('play')));
  video.addEventListener('playing', onFirstPlay, { once: true });
  video.addEventListener('error', () => (status.textContent = t('playbackError')));
  play.addEventListener('click', () => togglePlay());
  mute.addEventListener('click', () => {
    video.muted = !video.muted;
    mute.setAttribute('aria-pressed', String(video.muted));
  });
  function setSpeed(rate: number) {
    // defaultPlaybackRate too: hls.js and a new source reset playbackRate to it.
    video.defaultPlaybackRate = rate;
    video.playbackRate = rate;
  }
  video.addEventListener('ratechange', () => (speed.value = String(video.playbackRate)));
  const togglePlay = () => {
    if (!video.paused) return video.pause();
    // AbortError only means a pause came first.
    video.play().catch((e: Error) => e.name !== 'AbortError' && (status.textContent = t('playbackError')));
  };
  function command(c: Command) {
    switch (c) {
      case 'toggle-play': return togglePlay();
      case 'back': return to(video.currentTime - SEEK_SECONDS);
      case 'forward': return to(video.currentTime + SEEK_SECONDS);
      case 'frame-back':
      case 'frame-forward':
        video.pause();
        return to(frameStep(video.currentTime, fps, c === 'frame-back' ? -1 : 1, duration()));
      case 'slower': return setSpeed(nextSpeed(video.playbackRate, -1));
      case 'faster': return setSpeed(nextSpeed(video.playbackRate, 1));
      case 'fullscreen':
        if (document.fullscreenElement) return void document.exitFullscreen().catch(() => {});
        return void element.requestFullscreen().catch(() => {}); // refused (e.g. in a frame): nothing changes
    }
  }
  document.addEventListener('fullscreenchange', () => (fullscreen.textContent = document.fullscreenElement === element ? m('exitFullscreen') : m('fullscreen')), { signal });
  document.addEventListener('keydown', (e) => {
    const c = shortcut(e.key, keyTarget(e.target), e.ctrlKey || e.altKey || e.metaKey);
    if (!c) return;
    e.preventDefault();
    command(c);
  }, { signal });

  seek.addEventListener('input', () => to(Number(seek.value)));
  seek.addEventListener('pointermove', (e) => showPreview((Math.min(Math.max(e.offsetX / seek.clientWidth, 0), 1)) * duration()));
  seek.addEventListener('pointerleave', hidePreview);
  seek.addEventListener('blur', hidePreview);
  seek.addEventListener('keydown', (e) => {
    const step = KEY_STEPS[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const target = Math.min(Math.max(video.currentTime + step, 0), duration());
    to(target);
    showPreview(target);
    clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hidePreview, 1500);
  });

  const thumbnails = find('thumbnails');
  if (thumbnails) {
    fetch(thumbnails.href, { signal })
      .then((r) => (r.ok ? (r.json() as Promise<ThumbnailSheet>) : null))
      .then((s) => {
        if (!s || s.tiles.length === 0) return;
        sprite = new URL(s.image, new URL(thumbnails.href, location.href)).href;
        new Image().src = sprite; // load the sprite before the first hover
        sheet = s;
      })
      .catch(() => {}); // no previews; the seek bar still works
  }

  void attachSource(video, { hls: find('hls'), mp4: find('mp4'), ...sources }, signal, (text) => (status.textContent = text)).then((source) => {
    element.dataset.source = source;
    if (source === 'none') status.textContent = t('noPlayableDerivative');
  });
  signal.addEventListener('abort', () => {
    video.pause();
    video.removeAttribute('src');
    video.load();
  });

  return {
    element,
    seek: to,
    currentTime: () => video.currentTime,
    duration,
    frameRate: fps,
    setMarkers(seconds) {
      marks = seconds;
      drawMarkers();
    },
  };
}

type Source = 'passthrough' | 'hls.js' | 'mp4' | 'native-hls' | 'rendition' | 'none';

/** Whether this browser decodes the passthrough: asked with its exact codecs, through Media Source Extensions (hls.js). */
function playsPassthrough(codecs: string): boolean {
  return 'MediaSource' in window && MediaSource.isTypeSupported(`video/mp4; codecs="${codecs}"`);
}

/** How often the page asks again while the first segment of the rendition is being made. */
const RENDITION_POLL_MS = 300;

/**
 * The passthrough when the browser decodes it (original quality, nothing transcoded); else the
 * H.264 derivatives; else the rendition, which the platform starts making on this request.
 */
async function attachSource(
  video: HTMLVideoElement,
  sources: PlaybackSources & { hls: Derivative | undefined; mp4: Derivative | undefined },
  signal: AbortSignal,
  say: (text: string) => void,
): Promise<Source> {
  const { hls, mp4, passthrough } = sources;
  if (passthrough && playsPassthrough(passthrough.codecs) && (await playHls(video, passthrough.href, signal, () => mp4 && (video.src = mp4.href)))) return 'passthrough';
  if (hls && (await playHls(video, hls.href, signal, () => mp4 && (video.src = mp4.href)))) return 'hls.js';
  if (mp4) {
    video.src = mp4.href;
    return 'mp4';
  }
  if (hls && video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = hls.href;
    return 'native-hls';
  }
  if (!('MediaSource' in window)) return 'none';
  say(m('preparing'));
  for (;;) {
    const rendition = await sources.requestRendition().catch(() => null);
    if (signal.aborted) return 'none';
    if (!rendition || rendition.state === 'failed') {
      say(m('renditionFailed'));
      return 'rendition';
    }
    if (rendition.segments > 0 || rendition.state === 'ready') {
      // A growing (EVENT) playlist: start at the beginning, not at its live edge.
      await playHls(video, rendition.href, signal, () => say(t('playbackError')), { startPosition: 0 });
      say('');
      return 'rendition';
    }
    await new Promise((r) => setTimeout(r, RENDITION_POLL_MS));
  }
}

/** Plays an HLS playlist through hls.js; false where hls.js cannot run. */
async function playHls(video: HTMLVideoElement, href: string, signal: AbortSignal, onFatal: () => void, config: { startPosition?: number } = {}): Promise<boolean> {
  if (!('MediaSource' in window)) return false;
  const { default: Hls } = await import('hls.js/light');
  if (signal.aborted || !Hls.isSupported()) return false;
  const player = new Hls(config);
  signal.addEventListener('abort', () => player.destroy());
  player.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    player.destroy();
    onFatal(); // e.g. the same footage, progressive with Range
  });
  player.loadSource(href);
  player.attachMedia(video);
  return true;
}
