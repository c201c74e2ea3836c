import { Type } from 'typebox';

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

/** The body of every refusal, API and offload protocol alike; more fields where they help (`offset`, `retryable`, …). */
export const ProblemBody = Type.Object(
  { type: Type.Optional(Type.String()), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()), instance: Type.Optional(Type.String()) },
  { additionalProperties: true },
);

/** A setting in the environment is missing, malformed or contradicts another: the service refuses to start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const notFound = (what: string) => new Problem(404, 'Not Found', `${what} does not exist or is outside your scope`);
