import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import type { Static, TSchema } from 'typebox';
import { isDatabaseUnavailable, type Db, type Queryable } from '../db/knex.ts';
import type { RequestContext, Role } from '../shared/actor.ts';
import {
  releaseClaim,
  replay,
  requestFingerprint,
  storeReply,
  withIdempotency,
  type IdempotencyClaim,
  type Reply,
} from './idempotency.ts';
import { forbidden, invalidField, Problem } from '../shared/problem.ts';
import { bodyValidator, queryValidator, type Validator } from './validation.ts';
import { pathSegment } from '../shared/hostile-text.ts';
import { admitted } from './credentials.ts';
import { audit } from '../db/audit-log.ts';
import { versionOf, type Precondition } from '../shared/versioned.ts';
import { primaryOnly, type ReadRouting } from '../db/read-routing.ts';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  contentType?: string;
  /** Other representations of the same response, chosen by the Accept header. */
  alternatives?: Record<string, TSchema>;
  /** Response headers this answer carries besides the common ones, by their name in `components.headers`. */
  headers?: string[];
}

export interface RouteSpec<B extends TSchema, Q extends TSchema, P extends TSchema> {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Omitted: any signed-in user. `public`: no token needed. */
  roles?: readonly Role[] | 'public';
  body?: B;
  /** A realistic request body for the OpenAPI document. */
  bodyExample?: unknown;
  /** What OpenAPI shows for the body when the handler validates parts of it itself (e.g. bulk rows one by one). */
  documentedBody?: TSchema;
  /** Content types besides JSON that the route accepts as a raw string body. */
  rawBodyTypes?: string[];
  /**
   * The body is a `multipart/form-data` file upload that the handler reads itself, as a stream (never parsed or
   * buffered before it); this schema documents it.
   */
  upload?: TSchema;
  query?: Q;
  params?: P;
  /**
   * `true`: the handler runs in a transaction that also holds the key. `in-statement`: the handler takes the key in its
   * own creating statement (`call.claim`) and answers undefined when it was taken already; the answer is stored after.
   */
  idempotent?: boolean | 'in-statement';
  /** For `in-statement` routes: the created resource as it is now, for a retry that comes before the answer was stored. */
  renderResource?: (db: Queryable, ctx: RequestContext, id: string) => Promise<Reply | undefined>;
  responses: Record<number, ResponseSpec>;
  /** For a 201: the path of the created resource under the API base, sent as `Location`. */
  location?: (body: never, params: Static<P>) => string;
  /** The route changes a versioned record (traces, cases, stockpile items, destruction events): `If-Match` is honoured. */
  conditional?: boolean;
  /**
   * `replica`: a read that may be a moment stale (reports, summaries, intelligence, search) — `call.reader` is the
   * read replica when one is configured, healthy and close enough behind, and the caller changed nothing just now. A
   * function: the requests (by their query) that are such reads, e.g. a list's searches but not its pages.
   */
  reads?: 'replica' | ((query: Static<Q>) => boolean);
  /** The handler writes a long-lived response itself (Server-Sent Events) once the request is admitted, and answers nothing. */
  stream?: boolean;
  handler: (call: Call<Static<B>, Static<Q>, Static<P>>) => Promise<Reply | undefined>;
}

export interface Call<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  ctx: RequestContext;
  /** A transaction when the request carries an Idempotency-Key, so the stored reply commits with the work. */
  db: Queryable;
  /** Where the route's reads go: the primary (`db`), or for `reads: 'replica'` routes possibly a replica. Never write to it. */
  reader: Queryable;
  /** How fresh `reader` is: its data is complete up to this instant. */
  asOf: Date;
  /** The Idempotency-Key claim, for `in-statement` routes given a key. */
  claim?: IdempotencyClaim;
  /** The versions `If-Match` accepts (conditional routes only); undefined: no condition. */
  precondition: Precondition;
  req: Request;
  res: Response;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e]*)"$/;

/**
 * `If-Match` as the versions it accepts: `*` sets no condition (the record exists, or the answer is 404 anyway); weak
 * tags never match, because If-Match compares strongly (RFC 9110 13.1.1). A header that is no list of entity tags is a 400.
 */
export function parseIfMatch(header: string | undefined): Precondition {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = ENTITY_TAG.exec(tag);
    if (!match) throw invalidField('/header/If-Match', 'must be * or a list of entity tags such as "3"');
    if (!match[1] && /^[1-9]\d{0,9}$/.test(match[2]!)) versions.push(Number(match[2]));
  }
  return versions;
}

/** Who made a request (401 when nothing authenticates): the API composition gives identity's. */
export type Authenticate = (db: Db, req: Request) => Promise<RequestContext>;

export class Api {
  readonly routes: AnyRoute[] = [];
  readonly router = express.Router();
  private readonly methods = new Map<string, Method[]>();

  constructor(
    private readonly db: Db,
    private readonly authenticate: Authenticate,
    private readonly reads: ReadRouting = primaryOnly(db),
  ) {}

  add<B extends TSchema, Q extends TSchema, P extends TSchema>(spec: RouteSpec<B, Q, P>): void {
    this.routes.push(spec);
    const validateBody = spec.body ? bodyValidator(spec.body) : undefined;
    const validateQuery = spec.query ? queryValidator(spec.query) : undefined;
    const validateParams = spec.params ? paramsValidator(spec.params) : undefined;
    const needsAuth = spec.roles !== 'public';
    const roles = Array.isArray(spec.roles) ? spec.roles : undefined;

    this.methods.set(spec.path, [...(this.methods.get(spec.path) ?? []), spec.method]);
    this.router[spec.method](spec.path, async (req: Request, res: Response) => {
      res.locals.route = `${req.baseUrl}${spec.path}`;
      const ctx = needsAuth ? await this.authenticate(this.db, req) : undefined;
      try {
        if (ctx && roles && !roles.includes(ctx.actor.role)) throw forbidden();
        await this.handle(spec, req, res, ctx, { validateBody, validateQuery, validateParams });
      } catch (error) {
        if (ctx && error instanceof Problem && (error.slug === 'forbidden' || error.slug === 'not-found')) {
          await audit(this.db, ctx, {
            action: 'access.refused',
            outcome: 'denied',
            details: { status: error.status, method: req.method, path: req.originalUrl.split('?')[0] },
          });
        }
        throw error;
      }
    });
  }

  /**
   * After every route is added: a method a path does not support answers 405 with `Allow` (OPTIONS: 204 with `Allow`),
   * instead of the 404 of a path that does not exist.
   */
  finish(): void {
    for (const [path, methods] of this.methods) {
      const allowed = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS']
        .filter((m) => m === 'OPTIONS' || methods.includes((m === 'HEAD' ? 'get' : m.toLowerCase()) as Method))
        .join(', ');
      this.router.all(path, (req: Request, res: Response) => {
        if (req.method === 'OPTIONS') {
          res.set('Allow', allowed).status(204).end();
          return;
        }
        throw new Problem(
          405,
          'method-not-allowed',
          `${req.method} is not supported here; this path supports ${allowed}.`,
          {},
          { Allow: allowed },
        );
      });
    }
  }

  private inStatement(
    spec: AnyRoute,
    ctx: RequestContext,
    claim: IdempotencyClaim,
    handle: (claim: IdempotencyClaim) => Promise<Reply | undefined>,
  ) {
    return inStatementIdempotency(this.db, spec, ctx, claim, handle);
  }

  private async handle(
    spec: AnyRoute,
    req: Request,
    res: Response,
    ctx: RequestContext | undefined,
    check: { validateBody?: Validator; validateQuery?: Validator; validateParams?: Validator },
  ): Promise<void> {
    const params = { ...req.params };
    check.validateParams?.(params);
    const query = { ...(req.query as Record<string, unknown>) };
    if (check.validateQuery) check.validateQuery(query);
    else if (Object.keys(query).length)
      throw invalidField(`/query/${pathSegment(Object.keys(query)[0]!)}`, 'is not a known parameter');
    const body = spec.body ? readBody(req, spec.rawBodyTypes) : undefined;
    if (check.validateBody && typeof body !== 'string') check.validateBody(body);

    const precondition = spec.conditional ? parseIfMatch(req.get('if-match')) : undefined;
    const now = { reader: this.db, asOf: new Date() };
    if (spec.stream) {
      await admitted(res);
      await spec.handler({
        body,
        query,
        params,
        ctx: ctx as RequestContext,
        db: this.db,
        ...now,
        req,
        res,
        precondition,
      });
      return;
    }
    const eligible = typeof spec.reads === 'function' ? spec.reads(query as never) : spec.reads === 'replica';
    const read = eligible ? await this.reads.reader(ctx?.actor.id) : undefined;
    const call = (db: Queryable, claim: IdempotencyClaim | undefined, reader: Queryable, asOf: Date) =>
      spec.handler({
        body,
        query,
        params,
        ctx: ctx as RequestContext,
        db,
        reader,
        asOf,
        req,
        res,
        claim,
        precondition,
      });
    const run = async (db: Queryable, claim?: IdempotencyClaim) => {
      let reply: Reply | undefined;
      let from = read?.from;
      try {
        reply = await call(db, claim, read?.db ?? db, read?.asOf ?? now.asOf);
      } catch (error) {
        // The replica went away between its last probe and this read: the primary answers instead.
        if (from !== 'replica' || !isDatabaseUnavailable(error)) throw error;
        this.reads.unavailable();
        from = 'primary';
        reply = await call(db, claim, db, new Date());
      }
      if (from) this.reads.served(from);
      if (!reply) throw new Error(`${spec.method} ${spec.path} answered nothing`);
      return reply;
    };
    const key = req.get('idempotency-key');
    let reply: Reply;
    if (spec.idempotent && key !== undefined && ctx) {
      if (!IDEMPOTENCY_KEY.test(key))
        throw invalidField('/header/Idempotency-Key', 'must be 1–255 visible ASCII characters');
      const fingerprint = requestFingerprint(spec.method, req.originalUrl, body);
      const result =
        spec.idempotent === 'in-statement'
          ? await this.inStatement(spec, ctx, { userId: ctx.actor.id, key, fingerprint }, (claim) =>
              spec.handler({ body, query, params, ctx, db: this.db, ...now, req, res, claim, precondition }),
            )
          : await withIdempotency(this.db, ctx.actor.id, key, fingerprint, run);
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
      reply = result;
    } else {
      // A read ran while the rate limiter counted; it answers only once admitted.
      [reply] = await Promise.all([run(this.db), admitted(res)]);
    }
    // What the caller just changed, they read back from the primary (a replica may not have it yet).
    if (ctx && spec.method !== 'get' && reply.status < 400) await this.reads.wrote(ctx.actor.id);
    if (reply.headers) res.set(reply.headers);
    const version = versionOf(reply.body);
    if (version !== undefined) res.set('ETag', `"${version}"`);
    if (reply.status === 201 && spec.location && reply.body)
      res.set('Location', `${req.baseUrl}${spec.location(reply.body as never, params)}`);
    const next = nextPageLink(req, reply);
    if (next) res.set('Link', next);
    if (reply.body === undefined) res.status(reply.status).end();
    else if (reply.body instanceof Readable) await sendStream(res, reply.status, reply.contentType, reply.body);
    else if (reply.contentType) res.status(reply.status).type(reply.contentType).send(reply.body);
    else res.status(reply.status).json(reply.body);
  }
}

/** Streams a stored file (an attachment's bytes) as the answer; a client that goes away mid-way just stops it. */
async function sendStream(res: Response, status: number, contentType: string | undefined, body: Readable) {
  res.status(status).type(contentType ?? 'application/octet-stream');
  try {
    await pipeline(body, res);
  } catch (error) {
    if (!res.writableFinished && !res.destroyed) throw error;
  }
}

/**
 * A page with a next one also says so in `Link: <…>; rel="next"` (RFC 8288): the same request with that cursor, as a
 * path relative to the server (the request's own, so a proxy's prefix is the client's to add).
 */
function nextPageLink(req: Request, reply: Reply): string | undefined {
  const cursor = (reply.body as { nextCursor?: unknown } | undefined)?.nextCursor;
  if (reply.status !== 200 || typeof cursor !== 'string') return undefined;
  const url = new URL(req.originalUrl, 'http://rastreo.invalid');
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

/** Runs a handler that takes the key in its own statement; replays when the key was taken, stores the answer when not. */
async function inStatementIdempotency(
  db: Db,
  spec: AnyRoute,
  ctx: RequestContext,
  claim: IdempotencyClaim,
  handle: (claim: IdempotencyClaim) => Promise<Reply | undefined>,
): Promise<Reply & { replayed: boolean }> {
  let reply: Reply | undefined;
  try {
    reply = await handle(claim);
  } catch (error) {
    await releaseClaim(db, claim).catch(() => undefined);
    throw error;
  }
  if (!reply) return replay(db, claim, (id) => spec.renderResource?.(db, ctx, id) ?? Promise.resolve(undefined));
  await storeReply(db, claim, reply);
  return { ...reply, replayed: false };
}

function readBody(req: Request, rawTypes: string[] = []): unknown {
  if (rawTypes.length && req.is(rawTypes)) return typeof req.body === 'string' ? req.body : '';
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new Problem(
      415,
      'unsupported-media-type',
      `Send the body as application/json${rawTypes.length ? ` or ${rawTypes.join(', ')}` : ''}.`,
    );
  }
  return req.body;
}

function paramsValidator(schema: TSchema): Validator {
  const validate = queryValidator(schema);
  // A malformed id in the path cannot name a record in scope: answer as for any unknown record.
  return (params) => {
    try {
      validate(params);
    } catch {
      throw new Problem(404, 'not-found', 'Resource not found.');
    }
  };
}
