/** HTTP errors with a stable machine-readable code and a message that says what is allowed. */
import type { z } from 'zod';

export interface ErrorDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { detail: this.extra.detail ?? this.message, code: this.code, message: this.message, ...this.extra };
  }
}

/** zod issues in the FastAPI `detail` form that Python clients already know. */
export function issuesToDetail(error: z.ZodError, prefix: (string | number)[]): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    // One entry per unknown key, located at the key, as pydantic reports `extra_forbidden`.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ type: 'extra_forbidden', loc: [...path, key], msg: `Extra inputs are not permitted: "${key}"` }));
    }
    return [{ type: issue.code, loc: path, msg: issue.message }];
  });
}

export function validationError(error: z.ZodError, prefix: (string | number)[], what: string): HttpError {
  const detail = issuesToDetail(error, prefix);
  const summary = detail.map((d) => `${d.loc.slice(1).join('.') || d.loc.join('.')}: ${d.msg}`).join('; ');
  return new HttpError(422, 'VALIDATION_ERROR', `invalid ${what}: ${summary}`, { detail });
}
