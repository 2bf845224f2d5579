import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Webhook secrets must be readable to sign deliveries, so they are encrypted at rest rather than hashed: AES-256-GCM with
 * WEBHOOK_SECRET_KEY. A database dump alone gives no secret; the key lives in the environment of the API and the worker.
 */
export const DEVELOPMENT_SECRET_KEY = createHash('sha256')
  .update('rastreo development webhook key — set WEBHOOK_SECRET_KEY')
  .digest();

/** `whsec_` and 32 random bytes in standard base64: the form Standard Webhooks libraries take as it is shown. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

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

/**
 * The Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 over
 * "<id>.<timestamp>.<body>">`), keyed by the secret's bytes after `whsec_` as that specification reads them (secrets made
 * before it was supported are base64url, which Node reads alike).
 */
export function standardSignature(
  secret: string,
  eventId: string,
  body: string,
  at = new Date(),
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const seconds = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds.getTime() / 1000),
    'webhook-signature': new Webhook(key, { format: 'raw' }).sign(eventId, seconds, body),
  };
}
