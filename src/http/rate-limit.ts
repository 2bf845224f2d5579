import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { Problem } from './problem.ts';

export interface RateLimitSettings {
  windowMs: number;
  /** Requests per window for one token. */
  max: number;
  /** Requests per window for one IP without a token. */
  anonymousMax: number;
  prefix: string;
}

const bearer = (req: Request) => /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];

/**
 * The store loads its Lua scripts once, at start; if Redis is down then, it would keep that failure forever.
 * Answering SCRIPT LOAD with the script's SHA1 when Redis is away lets EVALSHA fail with NOSCRIPT later, which the
 * store handles by loading the script again, so counting resumes when Redis returns.
 */
function tolerantSendCommand(redis: Redis) {
  return async (command: string, ...args: string[]): Promise<RedisReply> => {
    if (command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
      try {
        return (await redis.call(command, ...args)) as RedisReply;
      } catch {
        return createHash('sha1').update(args[1] ?? '').digest('hex');
      }
    }
    return redis.call(command, ...args) as Promise<RedisReply>;
  };
}

/**
 * Limits requests per token (per IP without one), counted in Redis so every API process shares the count.
 * When Redis is unreachable requests pass: the API keeps working, it only stops counting.
 */
export function rateLimiter(redis: Redis, settings: RateLimitSettings): RequestHandler {
  return rateLimit({
    windowMs: settings.windowMs,
    limit: (req) => (bearer(req) ? settings.max : settings.anonymousMax),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: true,
    keyGenerator: (req) => {
      const token = bearer(req);
      return token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    store: new RedisStore({ prefix: settings.prefix, sendCommand: tolerantSendCommand(redis) }),
    handler: (_req, _res, next, options) => {
      next(new Problem(429, 'rate-limited', `Too many requests; at most ${String(options.limit)} per ${settings.windowMs / 1000} s.`));
    },
  });
}
