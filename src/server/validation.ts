/**
 * Fastify compilers for zod route schemas. Validation answers the API's own 422 (FastAPI-style
 * `detail`, a message naming the field and what is allowed) instead of Fastify's 400; replies are
 * built from the same schemas by the domain, so they are serialised as they are, not re-validated.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { StepRequestSchema, stepDialect } from './api-schemas.js';
import { HttpError, validationError } from './errors.js';

/** Where each part of a request is, in FastAPI's `loc`, and what it is called when nothing better is known. */
const PARTS: Record<string, { loc: string; what: string }> = {
  body: { loc: 'body', what: 'request body' },
  querystring: { loc: 'query', what: 'query parameters' },
  params: { loc: 'path', what: 'path parameters' },
  headers: { loc: 'header', what: 'headers' },
};

/** A union whose branch is chosen by the body's shape, so errors name the fields of the form the client meant. */
const DIALECTS = new Map<z.ZodType, (data: unknown) => z.ZodType | HttpError>([[StepRequestSchema, stepDialect]]);

const titleOf = (schema: z.ZodType): string | undefined => schema.meta()?.title as string | undefined;

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = PARTS[httpPart ?? 'body'] ?? PARTS.body!;
  const pick = DIALECTS.get(schema);
  return (data) => {
    const chosen = pick ? pick(data) : schema;
    if (chosen instanceof HttpError) return { error: chosen };
    const parsed = chosen.safeParse(data ?? (httpPart === 'body' ? undefined : {}));
    if (parsed.success) return { value: parsed.data };
    return { error: validationError(parsed.error, [part.loc], titleOf(chosen) ?? titleOf(schema) ?? part.what) };
  };
};

/** Replies leave as built (a string already serialised on the hot step path, or JSON). */
export const plainSerializerCompiler: FastifySerializerCompiler<z.ZodType> = () => (data) => (typeof data === 'string' ? data : JSON.stringify(data));
