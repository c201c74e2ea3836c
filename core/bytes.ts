/** Byte counts for people: one formatting for logs, status lines, health reasons and cover sheets. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal megabytes with one decimal, for "… MB" and "… MB/s": 1_500_000 → "1.5". */
export const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** Whole mebibytes, the unit of the *_MB settings: 1.5 × 1024² → 1. */
export const wholeMebibytes = (bytes: number): number => Math.floor(bytes / 1024 ** 2);

/** In the largest decimal unit (not below `smallest`) that keeps the number under 1000: 1_500_000 → "1.5 MB", 999 → "999 B". */
export function humanBytes(bytes: number, smallest: (typeof UNITS)[number] = 'B'): string {
  let unit = UNITS.indexOf(smallest);
  let value = bytes / 1000 ** unit;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
