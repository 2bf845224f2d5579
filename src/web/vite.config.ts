import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The web UI: `npm run build` writes it to dist/web, which the API serves at `/`; `npm run dev:web` proxies the API on :3000. */
export default defineConfig({
  root: here,
  // Brotli and gzip beside each script, style sheet and page at build, so the API serves them without compressing per
  // request (a police post's 400 kbit/s link gets a fifth of the bytes).
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 })],
  build: { outDir: `${projectRoot}dist/web`, emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: {
    fs: { allow: [projectRoot] },
    proxy: { '/api': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});
