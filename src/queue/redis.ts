import { Redis } from 'ioredis';

/**
 * Producers fail fast when Redis is away (no offline queue), so callers can answer 503 or retry later;
 * workers wait and reconnect forever, as BullMQ requires.
 */
export function createRedis(url: string, use: 'producer' | 'worker'): Redis {
  return new Redis(url, {
    lazyConnect: false,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...(use === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  });
}
