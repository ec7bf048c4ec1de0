/** Discovery routes: /metadata, /schema, /openapi.json and the API explorer at /docs. */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { GENERATOR_VERSION } from '../domain/index.js';
import { ENV_NAME, ENV_VERSION } from './http-routes.js';
import { openApiDocument, schemaDocument } from './openapi.js';

function readme(): string | null {
  try {
    return readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  } catch {
    return null;
  }
}

export async function metaRoutes(app: FastifyInstance): Promise<void> {
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
  const document = openApiDocument();
  const schemas = schemaDocument();

  app.get('/metadata', async () => metadata);
  app.get('/schema', async () => schemas);
  app.get('/openapi.json', async () => document);

  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
