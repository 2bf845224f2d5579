import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'rst_';
export const SESSION_TOKEN_PREFIX = 'rss_';
/** Carried only by the queue board's HttpOnly cookie; never accepted as a bearer token. */
export const BOARD_TOKEN_PREFIX = 'rsb_';

export const tokenKind = (token: string) =>
  token.startsWith(SESSION_TOKEN_PREFIX)
    ? ('session' as const)
    : token.startsWith(BOARD_TOKEN_PREFIX)
      ? ('board' as const)
      : ('api' as const);

export const hashToken = (token: string) => createHash('sha256').update(token).digest();

export function newToken(prefix: string): { token: string; hash: Buffer } {
  const token = prefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}
