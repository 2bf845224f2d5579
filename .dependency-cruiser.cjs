/**
 * The floors of the code, enforced by `npm run lint` (see src/README.md):
 *   platform   src/platform, src/db, src/http, src/shared, src/i18n, src/config.ts, src/logger.ts — knows no domain
 *   domains    src/<domain>/ — may use the platform and the domains listed in DOMAIN_EDGES, nothing above
 *   compose    src/app.ts (the API), src/worker/ and workers/ (the worker), src/runtime.ts, src/main.ts, src/cli/
 *   web        src/web — the browser app; shares only src/i18n and the contract (schemas, rules, transition tables),
 *              which eslint-plugin-boundaries checks file by file (eslint.config.js)
 */
const PLATFORM = '^src/(platform|db|http|shared|i18n)/|^src/(config|logger)[.]ts$';
const COMPOSITION = '^src/(app|runtime|main)[.]ts$|^src/(worker|cli)/|^workers/';
const WEB = '^src/web/';

/**
 * Which domain may use which: every edge between domains is here, on purpose. A new one is a design decision — add it
 * here with the change that needs it, or move the code to where it belongs.
 */
const DOMAIN_EDGES = {
  alerts: [],
  // Attachments take each record's writers and readers from its own domain's lifecycle (one place for each rule).
  attachments: ['destructions', 'registry', 'stockpile', 'traces'],
  audit: [],
  cases: ['weapons'],
  destructions: ['alerts', 'stockpile', 'weapons'],
  events: ['alerts', 'identity', 'traces'],
  identity: [],
  intelligence: ['alerts', 'traces', 'weapons'],
  operations: ['alerts', 'identity', 'traces'],
  registry: ['alerts', 'weapons'],
  reports: [],
  review: ['alerts', 'traces'],
  stockpile: ['alerts', 'cases', 'registry', 'traces', 'weapons'],
  stocktakes: ['alerts', 'stockpile', 'weapons'],
  traces: ['alerts', 'cases', 'registry', 'weapons'],
  // Exception 1: a weapon's page gathers its traces and registry matches (traces and registry also describe weapons);
  // no module cycle — weapons/service reads them, their writes use weapons/identity and weapons/repository.
  weapons: ['alerts', 'registry', 'traces'],
  webhooks: ['events', 'identity'],
};
const DOMAINS = Object.keys(DOMAIN_EDGES);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      comment: 'The server never imports the browser app.',
      from: { path: '^(src|workers|migrations)/', pathNot: WEB },
      to: { path: WEB },
    },
    {
      name: 'platform-stays-down',
      severity: 'error',
      comment: 'The platform knows no domain and no composition.',
      from: { path: PLATFORM },
      to: { path: `^src/(${DOMAINS.join('|')})/|${COMPOSITION}|${WEB}` },
    },
    {
      name: 'i18n-is-data',
      severity: 'error',
      comment: 'The message catalogues import nothing but each other.',
      from: { path: '^src/i18n/' },
      to: { path: '^src/', pathNot: '^src/i18n/' },
    },
    {
      name: 'domains-not-up',
      severity: 'error',
      comment: 'A domain never imports a composition.',
      from: { path: `^src/(${DOMAINS.join('|')})/` },
      to: { path: COMPOSITION },
    },
    ...DOMAINS.map((domain) => ({
      name: `${domain}-edges`,
      severity: 'error',
      comment: `${domain} may use only these domains: ${DOMAIN_EDGES[domain].join(', ') || 'none'} (DOMAIN_EDGES).`,
      from: { path: `^src/${domain}/` },
      to: { path: `^src/(${DOMAINS.filter((d) => d !== domain && !DOMAIN_EDGES[domain].includes(d)).join('|')})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
