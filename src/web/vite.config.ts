import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The web UI: `npm run build` writes it to dist/web, which the API serves at `/`; `npm run dev:web` proxies the API on :3000. */
export default defineConfig({
  root: here,
  // Brotli and gzip beside each script, style sheet and page at build, so the API serves them without compressing per
  // request (a police post's 400 kbit/s link gets a fifth of the bytes).
  plugins: [
    react(),
    // An installable app whose shell and code lists open without a connection. The service worker keeps the app's own
    // code (already in the browser's cache after the first load: installing costs no second download); the graph
    // library and the charts are kept once a page has used them. The API is never cached: records come live or not.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Rastreo — rastreo de armas de fuego',
        short_name: 'Rastreo',
        description: 'Solicitudes de rastreo de armas de fuego, custodia y destrucción',
        lang: 'es',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f3f5f8',
        theme_color: '#14304a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The first visit's page is looked after at once, not from the next load on: a link may drop before then.
        clientsClaim: true,
        skipWaiting: true,
        globPatterns: ['**/*.{js,css,html}'],
        // The big libraries of pages a field link seldom opens are fetched (and then cached) when opened, not precached
        // on the first visit: the link graph, the charts, the camera's QR reader and the map of the country report.
        globIgnores: ['**/cytoscape*', '**/chart-*', '**/qr-reader-*', '**/us-map-*'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/(api|admin|docs|openapi\.json|healthz|readyz|metrics|problems|guide)(\/|$)/],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'rastreo-assets', expiration: { maxEntries: 40 } },
          },
        ],
      },
    }),
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 }),
  ],
  build: {
    outDir: `${projectRoot}dist/web`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // The libraries every page needs in one file: split by which lazy page also uses them, they came in several
        // small files that compress worse (the first load on a field link has a budget: tests/web-field.test.ts). The
        // camera's QR reader (@zxing) is loaded when a count page opens the camera, the map (d3-geo, us-atlas) with the country
        // report, like the charts with their pages.
        codeSplitting: {
          groups: [
            {
              name: 'libraries',
              test: /node_modules[\\/](?!(cytoscape|chart\.js|@kurkle|@zxing|d3-[a-z]+|topojson-client|us-atlas)[\\/])/,
            },
            // Named, so the service worker can leave them out of its precache (workbox.globIgnores above).
            { name: 'qr-reader', test: /node_modules[\\/]@zxing[\\/]/ },
            { name: 'us-map', test: /node_modules[\\/](d3-[a-z]+|topojson-client|us-atlas)[\\/]/ },
            // The app's own shared code (the contract files, the API client, the form controls) in one file too: each
            // lazy page that shares a piece with the first page split it off into a file of its own, a few hundred
            // bytes each plus headers. The chart wrapper stays with the pages that draw charts.
            {
              name: 'common',
              test: /[\\/]src[\\/](?:shared[\\/]|[a-z]+[\\/](?:schemas|transitions|rules)\.ts$|web[\\/](?:api|session)[\\/]|web[\\/]ui[\\/](?!chart)|web[\\/]stocktakes[\\/]labels-button)/,
            },
          ],
        },
      },
    },
  },
  server: {
    fs: { allow: [projectRoot] },
    proxy: { '/api': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});
