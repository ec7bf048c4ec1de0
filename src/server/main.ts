/** `npm start`: serves on PORT (default 7860). */
import { configFromEnv } from './config.js';
import { startServer } from './start.js';

startServer(configFromEnv()).catch((error: unknown) => {
  console.error(`failed to start: ${(error as Error).message}`);
  process.exit(1);
});
