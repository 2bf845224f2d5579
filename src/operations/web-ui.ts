import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';

const API_OR_OPERATIONS = /^\/(api|admin|docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/**
 * The web application built by Vite into `root`: hashed assets cached for a year, and index.html (never cached)
 * for every other GET that asks for HTML, so a reload on /traces/… lands in the app's own router.
 */
export function webUiRoutes(app: Express, webRoot: string) {
  const root = resolve(webRoot);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  app.use(
    '/assets',
    express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  app.get(/.*/, (req, res, next) => {
    if (API_OR_OPERATIONS.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
