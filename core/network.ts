/** Codes of a connection that could not be made or broke: the other side is unreachable or went away, not a bug. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET', // undici (fetch): the socket closed under the request
]);

/** The error's `code` (Node system errors, pg, the S3 client), or "". */
export const errorCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** Did this fail because the network or the peer was unreachable (worth a retry once it is back)? */
export const isNetworkError = (error: unknown): boolean => NETWORK_ERROR_CODES.has(errorCode(error));
