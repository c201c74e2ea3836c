/** One media segment of an HLS rendition, in playlist order. */
export interface PlaylistSegment {
  name: string;
  durationMs: number;
}

/** The segments ffmpeg's HLS muxer has finished, read from the playlist it rewrites after each one. */
export function finishedSegments(playlist: string): PlaylistSegment[] {
  const segments: PlaylistSegment[] = [];
  let duration: number | null = null;
  for (const line of playlist.split('\n').map((l) => l.trim())) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) duration = Number(extinf[1]);
    else if (line !== '' && !line.startsWith('#') && duration !== null) {
      segments.push({ name: line, durationMs: Math.round(duration * 1000) });
      duration = null;
    }
  }
  return segments;
}

/**
 * The playlist of a rendition as far as it is stored: EVENT while it grows (players reload it and
 * may start at the beginning), VOD with its end once complete.
 */
export function renditionPlaylist(opts: { targetSeconds: number; init: string; segments: PlaylistSegment[]; complete: boolean }): string {
  const longest = Math.max(opts.targetSeconds, ...opts.segments.map((s) => Math.ceil(s.durationMs / 1000)));
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${longest}`,
    '#EXT-X-MEDIA-SEQUENCE:1',
    `#EXT-X-PLAYLIST-TYPE:${opts.complete ? 'VOD' : 'EVENT'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${opts.init}"`,
    ...opts.segments.flatMap((s) => [`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`, s.name]),
    ...(opts.complete ? ['#EXT-X-ENDLIST'] : []),
    '',
  ].join('\n');
}
