import { createRequire } from 'node:module';
import express, { type Express } from 'express';

const require = createRequire(import.meta.url);

/** Swagger UI from the installed swagger-ui-dist package (no CDN), pointed at /openapi.json. */
export function docsRoutes(app: Express): void {
  const assets: string = require('swagger-ui-dist/absolute-path.js')();
  app.get('/docs/swagger-initializer.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        "window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true }); };",
      );
  });
  app.get('/docs', (req, res, next) =>
    req.path === '/docs' && !req.originalUrl.endsWith('/') ? res.redirect(301, '/docs/') : next(),
  );
  app.use('/docs', express.static(assets, { index: 'index.html' }));
}
