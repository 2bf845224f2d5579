import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'rst_';
export const SESSION_TOKEN_PREFIX = 'rss_';

export const hashToken = (token: string) => createHash('sha256').update(token).digest();

export function newToken(prefix: string): { token: string; hash: Buffer } {
  const token = prefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}
