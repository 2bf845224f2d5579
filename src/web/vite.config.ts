import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The web UI: `npm run build` writes it to dist/web, which the API serves at `/`; `npm run dev:web` proxies the API on :3000. */
export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: `${projectRoot}dist/web`, emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: {
    fs: { allow: [projectRoot] },
    proxy: { '/api': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});
