import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';
import expressStaticGzip from 'express-static-gzip';

const API_OR_OPERATIONS = /^\/(api|admin|docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/** A path that names a file (`/guide/x.jpg`, `/favicon.ico`): never answered with the app, even to `Accept: *\/*`. */
const FILE = /\/[^/]+\.[A-Za-z0-9]{1,8}$/;

/**
 * The web application built by Vite into `root`: hashed assets (precompressed) cached for a year, the files of its public folder (the
 * user guide's pictures) for a day, and index.html (never cached) for every other GET that asks for HTML, so a reload
 * on /traces/… lands in the app's own router. A browser asks for an image with `Accept: image/…,*\/*`, which accepts
 * HTML too: a missing file is a 404, not the app.
 */
export function webUiRoutes(app: Express, webRoot: string) {
  const root = resolve(webRoot);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  // Compressed at build (brotli and gzip beside each script, style sheet and catalogue): served as the browser accepts.
  app.use(
    '/assets',
    expressStaticGzip(join(root, 'assets'), {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      serveStatic: { immutable: true, maxAge: '365d', index: false, fallthrough: false },
    }),
  );
  app.use(
    express.static(root, {
      index: false,
      maxAge: '1d',
      redirect: false,
      setHeaders: (res, path) => {
        // The page and the service worker (which decides what the app is offline) are asked for afresh each time.
        if (path.endsWith('.html') || path.endsWith('/sw.js')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.get(/.*/, (req, res, next) => {
    if (API_OR_OPERATIONS.test(req.path) || FILE.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
