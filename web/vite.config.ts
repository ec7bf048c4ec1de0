import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The console is served by the environment server at /web; no CDN, everything bundled.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/web/',
  plugins: [preact()],
  build: { outDir: new URL('../dist/web', import.meta.url).pathname, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
});
