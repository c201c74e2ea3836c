/** The player's decisions, free of the DOM: speeds, frame steps and keyboard shortcuts (table-tested). */

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;
/** Frame rate assumed when the derivative's probe did not tell (the common recorder rate). */
export const DEFAULT_FPS = 25;
/** ← / → move this many seconds. */
export const SEEK_SECONDS = 5;

/** The frame shown at `seconds`: the last one starting at or before it (the epsilon absorbs float noise at frame starts). */
export const frameIndex = (seconds: number, fps: number) => Math.max(0, Math.floor(seconds * fps + 1e-6));

/**
 * Where one frame step lands: the middle of the neighbouring frame, so the browser shows exactly it
 * (a frame's very start can round to the one before), kept within the recording.
 */
export function frameStep(seconds: number, fps: number, direction: 1 | -1, duration: number): number {
  const lastFrame = duration > 0 ? Math.max(0, Math.ceil(duration * fps) - 1) : Infinity;
  const target = Math.min(Math.max(frameIndex(seconds, fps) + direction, 0), lastFrame);
  return (target + 0.5) / fps;
}

/**
 * The moment a still capture asks for: the start of the frame on screen, in whole milliseconds
 * rounded down (the worker takes the first frame at or after it, which is then this frame).
 */
export const frameStartMs = (seconds: number, fps: number) => Math.floor((frameIndex(seconds, fps) * 1000) / fps);

/** The next speed up or down the list; the nearest listed one when the current is not listed. */
export function nextSpeed(current: number, direction: 1 | -1): number {
  const nearest = SPEEDS.reduce((best, s, i) => (Math.abs(s - current) < Math.abs(SPEEDS[best]! - current) ? i : best), 0);
  return SPEEDS[Math.min(Math.max(nearest + direction, 0), SPEEDS.length - 1)]!;
}

export type Command = 'toggle-play' | 'back' | 'forward' | 'frame-back' | 'frame-forward' | 'fullscreen' | 'slower' | 'faster';

/** The keys, in the order the help lists them. */
export const SHORTCUTS: readonly { keys: string[]; command: Command }[] = [
  { keys: [' '], command: 'toggle-play' },
  { keys: ['ArrowLeft'], command: 'back' },
  { keys: ['ArrowRight'], command: 'forward' },
  { keys: [','], command: 'frame-back' },
  { keys: ['.'], command: 'frame-forward' },
  { keys: ['f', 'F'], command: 'fullscreen' },
  { keys: ['['], command: 'slower' },
  { keys: [']'], command: 'faster' },
];

/** What the focused element is, as far as shortcuts care. */
export type KeyTarget = 'text' | 'button' | 'slider' | 'other';

/**
 * The player command of a key press, or null. Never while typing (text fields, selects), nor with
 * Ctrl/Alt/Meta (browser shortcuts); Space on a button presses the button; the seek slider moves
 * itself with the arrows.
 */
export function shortcut(key: string, target: KeyTarget, modifier: boolean): Command | null {
  if (modifier || target === 'text') return null;
  if (target === 'button' && (key === ' ' || key === 'Enter')) return null;
  const command = SHORTCUTS.find((s) => s.keys.includes(key))?.command ?? null;
  if (target === 'slider' && (command === 'back' || command === 'forward')) return null;
  return command;
}
