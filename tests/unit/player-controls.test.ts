import { describe, expect, it } from 'vitest';
import { frameIndex, frameStartMs, frameStep, nextSpeed, shortcut, type KeyTarget } from '../../api/web/player-controls';

describe('frame steps', () => {
  it.each([
    // seconds, fps, direction, duration → lands in the middle of the frame
    [0, 25, 1, 10, 0.06],
    [0.06, 25, 1, 10, 0.1],
    [0.1, 25, -1, 10, 0.06],
    [0, 25, -1, 10, 0.02], // stays on the first frame
    [1, 25, 1, 10, 1.06], // 1.0 is the start of frame 25 even with float noise
    [9.99, 25, 1, 10, 9.98], // frame 249 is the last of a 10 s clip
    [1, 30, 1, 3, 31.5 / 30],
    [2, 25, 1, 0, 2.06], // duration unknown: no upper bound
  ])('%d s at %d fps, step %d (duration %d) → %d s', (seconds, fps, direction, duration, target) => {
    expect(frameStep(seconds, fps, direction as 1 | -1, duration)).toBeCloseTo(target, 9);
  });

  it.each([
    [0.02, 25, 0],
    [1.0, 25, 25],
    [1.0399, 25, 25],
    [0.0333, 30, 0],
    [1 / 30, 30, 1],
  ])('the frame on screen at %d s (%d fps) is %d', (seconds, fps, index) => {
    expect(frameIndex(seconds, fps)).toBe(index);
  });

  it.each([
    [1.06, 25, 1040],
    [0.01, 25, 0],
    [2.5 / 30, 30, 66], // frame 2 starts at 66.67 ms: rounded down, never past its start
    [5.02, 25, 5000],
  ])('a still at %d s (%d fps) asks for %d ms', (seconds, fps, ms) => {
    expect(frameStartMs(seconds, fps)).toBe(ms);
  });
});

describe('speeds', () => {
  it.each([
    [1, 1, 1.25],
    [1, -1, 0.75],
    [2, 1, 2],
    [0.5, -1, 0.5],
    [1.1, 1, 1.25], // not listed: from the nearest
    [0.3, 1, 0.75],
  ])('%d, %d → %d', (current, direction, next) => {
    expect(nextSpeed(current, direction as 1 | -1)).toBe(next);
  });
});

describe('keyboard shortcuts', () => {
  it.each<[string, KeyTarget, boolean, string | null]>([
    [' ', 'other', false, 'toggle-play'],
    [' ', 'slider', false, 'toggle-play'],
    [' ', 'button', false, null], // the button's own press
    ['Enter', 'button', false, null],
    [' ', 'text', false, null], // typing a bookmark note
    ['f', 'text', false, null],
    ['.', 'text', false, null],
    ['ArrowLeft', 'other', false, 'back'],
    ['ArrowRight', 'button', false, 'forward'],
    ['ArrowRight', 'slider', false, null], // the slider seeks itself
    [',', 'slider', false, 'frame-back'],
    ['.', 'other', false, 'frame-forward'],
    ['f', 'other', false, 'fullscreen'],
    ['F', 'other', false, 'fullscreen'],
    ['f', 'other', true, null], // Ctrl+F finds text
    ['[', 'other', false, 'slower'],
    [']', 'other', false, 'faster'],
    ['x', 'other', false, null],
  ])('%j on %s (modifier %s) → %s', (key, target, modifier, command) => {
    expect(shortcut(key, target, modifier)).toBe(command);
  });
});
