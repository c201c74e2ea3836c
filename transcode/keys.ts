/** Where a recording's derived objects live in the store: every attempt's files, a rendition's segments. */
export const derivedPrefix = (evidenceId: string): string => `derived/${evidenceId}/`;

/** Where a recording's stills live: a prefix of their own, so a transcode's clean-up of derived/ never sees them. */
export const stillPrefix = (evidenceId: string): string => `stills/${evidenceId}/`;

/** Where a chunked transcode keeps a recording's pieces until they are joined. */
export const chunkPrefix = (evidenceId: string): string => `transcode-chunks/${evidenceId}/`;
