// Reference (b): HTTP insert + queue.add, and a BullMQ worker doing one UPDATE per job (ROLE=server or ROLE=worker).
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const prefix = '{bench-reference}';

if (process.env.ROLE === 'worker') {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const worker = new Worker(
    'reference',
    async (job) => {
      await pool.query("UPDATE bench_reference SET status = 'done', completed_at = clock_timestamp() WHERE id = $1", [
        job.data.id,
      ]);
    },
    { connection, prefix, concurrency: Number(process.env.CONCURRENCY ?? 16) },
  );
  process.on(
    'SIGTERM',
    () =>
      void worker
        .close()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
} else {
  const queue = new Queue('reference', { connection, prefix });
  const { setAfterInsert } = await import('./insert-server.ts');
  setAfterInsert(async (id) => {
    await queue.add('reference', { id }, { jobId: `ref-${id}`, removeOnComplete: true });
  });
}
