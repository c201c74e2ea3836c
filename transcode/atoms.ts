import { open } from 'node:fs/promises';

/**
 * Types of the top-level ISO-BMFF (MP4/MOV) boxes in file order, read from box headers only
 * (a few small reads, whatever the file size). Stops at the first header that is not a box,
 * so for non-MP4 data the list is empty or meaningless but never throws for bad content.
 */
export async function topLevelBoxes(path: string, limit = 32): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    const types: string[] = [];
    let offset = 0;
    while (offset + 8 <= size && types.length < limit) {
      const { bytesRead } = await file.read(header, 0, 16, offset);
      const type = header.toString('latin1', 4, 8);
      if (!/^[\x20-\x7e]{4}$/.test(type)) break;
      let boxSize = header.readUInt32BE(0);
      if (boxSize === 1) {
        if (bytesRead < 16) break;
        boxSize = Number(header.readBigUInt64BE(8));
      } else if (boxSize === 0) {
        boxSize = size - offset; // "extends to end of file"
      }
      if (boxSize < 8) break;
      types.push(type);
      offset += boxSize;
    }
    return types;
  } finally {
    await file.close();
  }
}

/** True when the movie header precedes the media data, so playback can start before the whole file is fetched. */
export function moovBeforeMdat(boxes: readonly string[]): boolean {
  const moov = boxes.indexOf('moov');
  const mdat = boxes.indexOf('mdat');
  return moov >= 0 && (mdat < 0 || moov < mdat);
}
