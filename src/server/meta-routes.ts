/**
 * Discovery: /metadata, /schema and /openapi.json (the API explorer at /docs is served with the
 * console's pages, under their security headers). The OpenAPI document
 * is generated from the zod schemas each route declares (api-schemas.ts), so it lists exactly the
 * routes there are; `openApi` must be registered before the routes it documents.
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GENERATOR_VERSION } from '../domain/index.js';
import { ENV_NAME, ENV_VERSION, IncidentActionSchema, IncidentObservationSchema, IncidentStateSchema, MetadataSchema, apiRegistry } from './api-schemas.js';

function readme(): string | null {
  try {
    return readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  } catch {
    return null;
  }
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** The three schemas OpenEnv clients read from /schema: what an action, an observation and the state look like. */
export function schemaDocument(): { action: unknown; observation: unknown; state: unknown } {
  return { action: jsonSchema(IncidentActionSchema, 'input'), observation: jsonSchema(IncidentObservationSchema, 'output'), state: jsonSchema(IncidentStateSchema, 'output') };
}

/**
 * Field descriptions live in zod's global registry (`.describe()`); the generator reads only the
 * API's own registry, so they are copied in here. Empty union branches (unrepresentable types) go.
 */
const withDescriptions = (ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => {
  const meta = z.globalRegistry.get(ctx.zodSchema as z.ZodType);
  if (meta?.description && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = meta.description;
  if (Array.isArray(ctx.jsonSchema.anyOf)) ctx.jsonSchema.anyOf = ctx.jsonSchema.anyOf.filter((s: object) => Object.keys(s).length > 0);
};

/** The OpenAPI generator: every route registered after it is documented from its declared schemas. */
export const openApi = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Incident Response OpenEnv HTTP API',
        version: ENV_VERSION,
        description:
          'The seed HTTP API and the OpenEnv protocol on one port. WebSocket routes: /ws (the OpenEnv session protocol) and /mcp (JSON-RPC over WebSocket), both GET with Upgrade: websocket.',
      },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [], zodToJsonConfig: { override: withDescriptions as never } }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: apiRegistry, zodToJsonConfig: { override: withDescriptions as never } }),
  });
});

export async function metaRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const metadata = {
    name: ENV_NAME,
    description:
      'Production incident response: the agent is the on-call SRE. It reads alerts, investigates services (logs and metrics ' +
      'appear once investigated), escalates to the owning team, applies a fix and writes a postmortem. Dense rewards; a graded, ' +
      'explained score strictly inside (0, 1).',
    readme_content: readme(),
    version: ENV_VERSION,
    generator_version: GENERATOR_VERSION,
    author: 'Incident Response OpenEnv contributors',
    documentation_url: '/docs',
  };
  const schemas = schemaDocument();
  let document: Record<string, unknown> | undefined;

  app.get('/metadata', { schema: { summary: 'Environment metadata', response: { 200: MetadataSchema } } }, async () => metadata);
  app.get('/schema', { schema: { summary: 'JSON Schemas of action, observation and state', response: { 200: z.object({ action: z.unknown(), observation: z.unknown(), state: z.unknown() }) } } }, async () => schemas);
  // Built once, on first request: every route is registered by then.
  app.get('/openapi.json', { schema: { summary: 'This document (OpenAPI 3.1)', response: { 200: z.record(z.string(), z.unknown()) } } }, async () => (document ??= app.swagger() as unknown as Record<string, unknown>));
}
