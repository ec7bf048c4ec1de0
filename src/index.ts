export * from './domain/index.js';
export * as client from './client/index.js';
export { buildApp } from './server/app.js';
export { configFromEnv, type ServerConfig } from './server/config.js';
