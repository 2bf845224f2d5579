import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook secrets must be readable to sign deliveries, so they are encrypted at rest rather than hashed: AES-256-GCM with
 * WEBHOOK_SECRET_KEY. A database dump alone gives no secret; the key lives in the environment of the API and the worker.
 */
export const DEVELOPMENT_SECRET_KEY = createHash('sha256').update('rastreo development webhook key — set WEBHOOK_SECRET_KEY').digest();

export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export function encryptSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), encrypted].map((part) => part.toString('base64')).join('.');
}

export function decryptSecret(key: Buffer, stored: string): string {
  const [iv, tag, encrypted] = stored.split('.').map((part) => Buffer.from(part, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(encrypted!), decipher.final()]).toString('utf8');
}

/** `Rastreo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>">` (the contract's scheme). */
export function signature(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
