/** The web console: the Vite build served at /web/, and / sending browsers there. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the console's build output is: dist/web beside the compiled server, or in the repo when run from source. */
export function consoleRoot(): string | null {
  for (const rel of ['../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

export async function webRoutes(app: FastifyInstance): Promise<void> {
  const root = consoleRoot();
  app.get('/web', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/web/', 302));
  if (root) {
    await app.register(fastifyStatic, { root, prefix: '/web/', index: ['index.html'], maxAge: '1h', immutable: false });
  } else {
    app.get('/web/*', { schema: { hide: true } }, async (_req, reply) =>
      reply.code(503).send({ detail: 'console not built', code: 'CONSOLE_NOT_BUILT', message: 'the web console is not built: run npm run build' }),
    );
  }
}
