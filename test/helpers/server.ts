/** Test servers: in-memory (inject) or listening on a free loopback port. */
import { buildApp, type App } from '../../src/server/app.js';
import { defaultConfig, type ServerConfig } from '../../src/server/config.js';

export function testApp(overrides: Partial<ServerConfig> = {}): App {
  return buildApp(defaultConfig(overrides));
}

export async function listening(overrides: Partial<ServerConfig> = {}): Promise<App & { url: string }> {
  const built = testApp(overrides);
  const address = await built.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...built, url: address };
}
