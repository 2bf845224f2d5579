import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { requestIdOf } from '../http/credentials.ts';
import { IdParams, Page, PageQuery, ProblemSchema } from '../shared/schemas.ts';
import { signIn, signOut } from './sessions.ts';
import {
  Agency,
  AgencyCreate,
  AgencyPatch,
  Me,
  Session,
  SessionCreate,
  TokenReply,
  User,
  UserCreate,
  UserCreated,
  UserPatch,
  UserQuery,
} from './schemas.ts';
import * as service from './service.ts';
import * as repo from './repository.ts';

const admin = ['admin'] as const;
const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

export function identityRoutes(api: Api): void {
  api.add({
    method: 'post',
    path: '/sessions',
    tag: 'Identity',
    summary: 'Sign in with email and password (web UI)',
    roles: 'public',
    description:
      'Wrong email or password: 401, the same answer for both. Five failures in a row lock the account for ' +
      'ten minutes: 401 `/problems/account-locked` with `lockedUntil` until then.',
    body: SessionCreate,
    location: () => '/sessions/current',
    responses: {
      201: { description: 'Signed in', schema: Session },
      401: {
        description: 'Wrong email or password, or account locked',
        schema: ProblemSchema,
        contentType: 'application/problem+json',
      },
    },
    handler: async ({ db, body, req }) => ({
      status: 201,
      body: await signIn(db, body.email, body.password, { requestId: requestIdOf(req), ip: req.ip ?? null }),
    }),
  });
  api.add({
    method: 'delete',
    path: '/sessions/current',
    tag: 'Identity',
    summary: 'Sign out: the session token stops working',
    responses: { 204: { description: 'Signed out' } },
    handler: async ({ db, ctx, req }) => {
      await signOut(db, ctx, req.get('authorization'));
      return { status: 204 };
    },
  });

  api.add({
    method: 'get',
    path: '/me',
    tag: 'Identity',
    summary: 'The signed-in user',
    responses: { 200: { description: 'The caller', schema: Me } },
    handler: async ({ ctx }) => ({
      status: 200,
      body: {
        id: ctx.actor.id,
        name: ctx.actor.name,
        email: ctx.actor.email,
        role: ctx.actor.role,
        agency: ctx.actor.agency,
      },
    }),
  });

  api.add({
    method: 'post',
    path: '/agencies',
    tag: 'Identity',
    summary: 'Create an agency',
    roles: admin,
    body: AgencyCreate,
    location: (body: { id: string }) => `/agencies/${body.id}`,
    responses: { 201: { description: 'Created', schema: Agency } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await service.createAgency(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/agencies',
    tag: 'Identity',
    query: ListQuery,
    summary: 'Agencies in the caller’s scope (admins: all; advisors: their region; others: their own)',
    responses: { 200: { description: 'A page of agencies', schema: Page(Agency) } },
    handler: async ({ db, ctx, query }) => ({
      status: 200,
      body: await service.listAgencies(db, ctx, query.limit ?? 50, query.cursor),
    }),
  });
  api.add({
    method: 'get',
    path: '/agencies/:id',
    tag: 'Identity',
    summary: 'One agency in scope',
    params: IdParams,
    responses: { 200: { description: 'The agency', schema: Agency } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await service.getAgency(db, ctx, params.id) }),
  });
  api.add({
    method: 'patch',
    path: '/agencies/:id',
    tag: 'Identity',
    summary: 'Update an agency (e.g. its reviewRequired policy)',
    roles: admin,
    params: IdParams,
    body: AgencyPatch,
    responses: { 200: { description: 'Updated', schema: Agency } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await service.updateAgency(db, ctx, params.id, body),
    }),
  });

  api.add({
    method: 'post',
    path: '/users',
    tag: 'Identity',
    summary: 'Create a user and its first API token',
    roles: admin,
    body: UserCreate,
    location: (body: { id: string }) => `/users/${body.id}`,
    responses: { 201: { description: 'Created; the token is shown only here', schema: UserCreated } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await service.createUser(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/users',
    tag: 'Identity',
    summary: 'List users',
    roles: admin,
    query: UserQuery,
    responses: { 200: { description: 'A page of users', schema: Page(User) } },
    handler: async ({ db, query }) => ({ status: 200, body: await repo.listUsers(db, query, query.limit ?? 50) }),
  });
  api.add({
    method: 'get',
    path: '/users/:id',
    tag: 'Identity',
    summary: 'One user',
    roles: admin,
    params: IdParams,
    responses: { 200: { description: 'The user', schema: User } },
    handler: async ({ db, params }) => ({ status: 200, body: await service.getUser(db, params.id) }),
  });
  api.add({
    method: 'patch',
    path: '/users/:id',
    tag: 'Identity',
    summary: 'Update a user’s name, role or password',
    description: 'A new password signs the user out of every web session.',
    roles: admin,
    params: IdParams,
    body: UserPatch,
    responses: { 200: { description: 'Updated', schema: User } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await service.updateUser(db, ctx, params.id, body),
    }),
  });
  api.add({
    method: 'post',
    path: '/users/:id/tokens',
    tag: 'Identity',
    summary: 'Issue a new API token, revoking the user’s old ones',
    roles: admin,
    params: IdParams,
    location: (_body, params) => `/users/${params.id}`,
    responses: {
      201: {
        description: 'The new token, shown only here; `Location` is its user (a token has no path of its own)',
        schema: TokenReply,
      },
    },
    handler: async ({ db, ctx, params }) => ({
      status: 201,
      body: { token: await service.rotateToken(db, ctx, params.id) },
    }),
  });
  api.add({
    method: 'delete',
    path: '/users/:id',
    tag: 'Identity',
    summary: 'Deactivate a user; its tokens stop working at once',
    roles: admin,
    params: IdParams,
    responses: { 204: { description: 'Deactivated' } },
    handler: async ({ db, ctx, params }) => {
      await service.deactivateUser(db, ctx, params.id);
      return { status: 204 };
    },
  });
}
