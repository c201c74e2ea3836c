/**
 * An error the client should see, rendered as application/problem+json (RFC 9457).
 * Anything else that escapes a handler is a 500 with no internals in the body.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'Problem';
  }
}

/** A setting in the environment is missing, malformed or contradicts another: the service refuses to start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const notFound = (what: string) => new Problem(404, 'Not Found', `${what} does not exist or is outside your scope`);
