import type { Derivative } from './api';
import { h } from './dom';
import { clock } from './format';
import { t } from './i18n';

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
  /** Bookmark positions, drawn as ticks on the seek bar. */
  setMarkers(seconds: number[]): void;
}

const KEY_STEPS: Record<string, number> = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };

/**
 * A video with its own controls: play, a seek bar that previews frames from the thumbnail sprite,
 * time, mute. HLS goes through hls.js where Media Source Extensions exist; otherwise the MP4 (Range).
 */
export function createPlayer(derivatives: Derivative[], signal: AbortSignal, onFirstPlay: () => void): Player {
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
  const element = h('section', { class: 'player', 'aria-label': t('player') },
    video,
    h('div', { class: 'controls' }, play, h('div', { class: 'track' }, markers, seek, preview), time, mute),
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
  play.addEventListener('click', () => {
    if (!video.paused) return video.pause();
    // AbortError only means a pause came first.
    video.play().catch((e: Error) => e.name !== 'AbortError' && (status.textContent = t('playbackError')));
  });
  mute.addEventListener('click', () => {
    video.muted = !video.muted;
    mute.setAttribute('aria-pressed', String(video.muted));
  });
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

  void attachSource(video, find('hls'), find('mp4'), signal).then((source) => {
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
    setMarkers(seconds) {
      marks = seconds;
      drawMarkers();
    },
  };
}

async function attachSource(video: HTMLVideoElement, hls: Derivative | undefined, mp4: Derivative | undefined, signal: AbortSignal): Promise<'hls.js' | 'mp4' | 'native-hls' | 'none'> {
  if (hls && 'MediaSource' in window) {
    const { default: Hls } = await import('hls.js/light');
    if (signal.aborted) return 'none';
    if (Hls.isSupported()) {
      const player = new Hls();
      signal.addEventListener('abort', () => player.destroy());
      player.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        player.destroy();
        if (mp4) video.src = mp4.href; // the same footage, progressive with Range
      });
      player.loadSource(hls.href);
      player.attachMedia(video);
      return 'hls.js';
    }
  }
  if (mp4) {
    video.src = mp4.href;
    return 'mp4';
  }
  if (hls && video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = hls.href;
    return 'native-hls';
  }
  return 'none';
}
