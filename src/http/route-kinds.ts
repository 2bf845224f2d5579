import type { Static, TSchema } from 'typebox';
import type { Queryable } from '../db/knex.ts';
import type { RequestContext, Role } from '../shared/actor.ts';
import { IdParams, Page } from '../shared/schemas.ts';
import type { Api, ResponseSpec } from './api.ts';

/** The three shapes most routes take — a page of a collection, one member, an action on one member — declared once. */
interface Common {
  path: string;
  tag: string;
  summary: string;
  description?: string;
  roles?: readonly Role[];
  /** `replica`: the read may go to the read replica (see `RouteSpec.reads`); its callback gets that reader. */
  reads?: 'replica';
  /** What the 200 answer is, in the OpenAPI document. */
  answer?: string;
  /** Documented answers besides the 200 (e.g. a 404 for a filter naming something out of scope). */
  otherResponses?: Record<number, ResponseSpec>;
}

/** `GET path`: the query validated, a page of `item` answered. */
export function listRoute<Q extends TSchema>(
  api: Api,
  spec: Common & {
    query: Q;
    item: TSchema;
    list: (db: Queryable, ctx: RequestContext, query: Static<Q>, reader: Queryable) => Promise<unknown>;
  },
): void {
  const { item, list, otherResponses, answer = 'A page', ...route } = spec;
  api.add({
    method: 'get',
    ...route,
    responses: { 200: { description: answer, schema: Page(item) }, ...otherResponses },
    handler: async ({ db, ctx, query, reader }) => ({ status: 200, body: await list(db, ctx, query, reader) }),
  });
}

/** `GET path/:id`: one member in scope (404 otherwise). */
export function getRoute(
  api: Api,
  spec: Common & {
    schema: TSchema;
    get: (db: Queryable, ctx: RequestContext, id: string, reader: Queryable) => Promise<unknown>;
  },
): void {
  const { schema, get, otherResponses, answer = 'Found', ...route } = spec;
  api.add({
    method: 'get',
    ...route,
    params: IdParams,
    responses: { 200: { description: answer, schema }, ...otherResponses },
    handler: async ({ db, ctx, params, reader }) => ({ status: 200, body: await get(db, ctx, params.id, reader) }),
  });
}

/** `POST path/:id/<action>`: an action of a lifecycle on one member, answered with the member as it now is. */
export function actionRoute<B extends TSchema>(
  api: Api,
  spec: Common & {
    body: B;
    schema: TSchema;
    act: (db: Queryable, ctx: RequestContext, id: string, body: Static<B>) => Promise<unknown>;
  },
): void {
  const { schema, act, otherResponses, answer = 'Done', ...route } = spec;
  api.add({
    method: 'post',
    ...route,
    params: IdParams,
    responses: { 200: { description: answer, schema }, ...otherResponses },
    handler: async ({ db, ctx, params, body }) => ({ status: 200, body: await act(db, ctx, params.id, body) }),
  });
}
