import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { ipKeyGenerator, type Options as ExpressRateLimitOptions } from 'express-rate-limit';
import { isCluster, type RedisConnection } from '../platform/redis.ts';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { Problem } from '../shared/problem.ts';

export interface RateLimitSettings {
  windowMs: number;
  /** Requests per window for one token that authenticates. */
  max: number;
  /** Requests per window for one IP without such a token. */
  anonymousMax: number;
  prefix: string;
}

/**
 * The store loads its Lua scripts once, at start; if Redis is down then, it would keep that failure forever.
 * Answering SCRIPT LOAD with the script's SHA1 when Redis is away lets EVALSHA fail with NOSCRIPT later, which the
 * store handles by loading the script again, so counting resumes when Redis returns.
 */
function tolerantSendCommand(redis: RedisConnection) {
  if (isCluster(redis)) return clusterSendCommand(redis);
  return async (command: string, ...args: string[]): Promise<RedisReply> => {
    if (command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
      try {
        return (await redis.call(command, ...args)) as RedisReply;
      } catch {
        return sha1(args[1] ?? '');
      }
    }
    return redis.call(command, ...args) as Promise<RedisReply>;
  };
}

/**
 * On a cluster, SCRIPT LOAD would reach one random node while EVALSHA goes to the node of the key's slot: the scripts
 * are kept here instead and sent with EVAL, which the cluster client routes by its key.
 */
function clusterSendCommand(redis: RedisConnection) {
  const scripts = new Map<string, string>();
  return async (command: string, ...args: string[]): Promise<RedisReply> => {
    const name = command.toUpperCase();
    if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
      const sha = sha1(args[1] ?? '');
      scripts.set(sha, args[1] ?? '');
      return sha;
    }
    if (name === 'EVALSHA' && scripts.has(args[0]!))
      return redis.call('EVAL', scripts.get(args[0]!)!, ...args.slice(1)) as Promise<RedisReply>;
    return redis.call(command, ...args) as Promise<RedisReply>;
  };
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

export interface Count {
  hits: number;
  resetTime: Date | undefined;
}

/**
 * Fixed-window counters in Redis (rate-limit-redis's store), shared by every API process. When Redis is unreachable a
 * hit is not counted and the request passes: the API keeps working, it only stops counting.
 */
export class RateLimiter {
  private readonly store: RedisStore;

  constructor(
    redis: RedisConnection,
    readonly settings: RateLimitSettings,
  ) {
    this.store = new RedisStore({ prefix: settings.prefix, sendCommand: tolerantSendCommand(redis) });
    void this.store.init({ windowMs: settings.windowMs } as ExpressRateLimitOptions);
  }

  async hit(key: string): Promise<Count | undefined> {
    try {
      const { totalHits, resetTime } = await this.store.increment(key);
      return { hits: totalHits, resetTime };
    } catch {
      return undefined;
    }
  }

  /** Sets the RateLimit headers (IETF draft 8) and refuses the request with 429 when the count is over `limit`. */
  admit(res: Response, count: Count | undefined, limit: number): void {
    if (!count) return;
    const windowSeconds = Math.ceil(this.settings.windowMs / 1000);
    const resetSeconds = Math.max(
      0,
      Math.ceil(((count.resetTime?.getTime() ?? Date.now() + this.settings.windowMs) - Date.now()) / 1000),
    );
    res.set('RateLimit-Policy', `"default";q=${limit};w=${windowSeconds}`);
    res.set('RateLimit', `"default";r=${Math.max(0, limit - count.hits)};t=${resetSeconds}`);
    if (count.hits <= limit) return;
    res.set('Retry-After', String(resetSeconds));
    throw new Problem(
      429,
      'rate-limited',
      `Too many requests: at most ${limit} per ${windowSeconds} s. Try again in ${resetSeconds} s.`,
    );
  }
}

/** The counter a request is counted under: its token when the token authenticates, else its IP address. */
export const tokenKey = (token: string) => `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
export const ipKey = (ip: string | undefined) => `ip:${ipKeyGenerator(ip ?? '')}`;
