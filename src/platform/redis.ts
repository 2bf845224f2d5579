import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** One Redis server, or a Redis Cluster: BullMQ, the rate limiter and the health check take either. */
export type RedisConnection = Redis | Cluster;

export interface RedisSettings {
  REDIS_URL: string;
  /** `host:port,…` of some cluster nodes; when set, Rastreo talks to that Redis Cluster and REDIS_URL is not used. */
  REDIS_CLUSTER_NODES: string;
}

/**
 * Producers fail fast when Redis is away (no offline queue), so callers can answer 503 or retry later;
 * workers wait and reconnect forever, as BullMQ requires.
 */
export function createRedis(settings: RedisSettings, use: 'producer' | 'worker'): RedisConnection {
  const retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  const options: RedisOptions = {
    connectTimeout: 5_000,
    retryStrategy,
    ...(use === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
  if (!settings.REDIS_CLUSTER_NODES) return new Redis(settings.REDIS_URL, { ...options, lazyConnect: false });
  const nodes = settings.REDIS_CLUSTER_NODES.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
  return new Cluster(nodes, {
    redisOptions: options,
    clusterRetryStrategy: retryStrategy,
    // A producer that is not connected yet fails like one whose Redis is away; a worker waits for the cluster.
    enableOfflineQueue: use === 'worker',
    enableReadyCheck: true,
  });
}

export const isCluster = (connection: RedisConnection): connection is Cluster => connection instanceof Cluster;
