import type { Express } from 'express';
import { problemTypes, type ProblemType } from '../i18n/problem-types.ts';
import { notFound } from '../shared/problem.ts';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** `code` spans for the field and header names the descriptions quote. */
const withCode = (text: string) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/**
 * `/problems/<type>`: what a problem `type` URI names, as a short page in Spanish or English (`Accept-Language`, or
 * `?lang=`), so that the URI in an answer is also its documentation. An unknown type is a 404 problem.
 */
export function problemPages(app: Express): void {
  app.get('/problems/:type', (req, res, next) => {
    const type = req.params.type as ProblemType;
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const lang = asked === 'es' || asked === 'en' ? asked : req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en';
    const catalogue = problemTypes[lang];
    if (!Object.hasOwn(catalogue.types, type)) return next(notFound('Problem type'));
    const { title, description } = catalogue.types[type];
    res
      .type('html')
      .set({ 'Content-Language': lang, Vary: 'Accept-Language', 'Cache-Control': 'public, max-age=86400' })
      .send(
        `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
          `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} — Rastreo</title>` +
          '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}' +
          'code{background:#f2f2f2;padding:0 .2em}</style></head><body>' +
          `<p>${escape(catalogue.page.heading)}: <code>/problems/${escape(type)}</code></p>` +
          `<h1>${escape(title)}</h1><p>${withCode(description)}</p>` +
          `<p><a href="/docs/">${escape(catalogue.page.back)}</a></p></body></html>`,
      );
  });
}
