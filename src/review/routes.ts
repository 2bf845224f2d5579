import type { Api } from '../http/api.ts';
import { Page } from '../shared/schemas.ts';
import { QueueItem, QueueQuery, QueueSummary } from './schemas.ts';
import type { ReviewQueue } from './service.ts';

const reviewers = ['advisor', 'admin'] as const;

export function reviewRoutes(api: Api, queue: ReviewQueue): void {
  api.add({
    method: 'get',
    path: '/queue',
    tag: 'Review',
    roles: reviewers,
    query: QueueQuery,
    summary: 'The review queue of the caller’s region: urgent first, then longest waiting since the last status change',
    description:
      'Default statuses: pending_review, failed. Keyset-paginated on (urgent, last status change, id), so a page ' +
      'never repeats or skips a trace whose status did not change meanwhile.',
    responses: { 200: { description: 'A page of queue items', schema: Page(QueueItem) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await queue.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/queue/summary',
    tag: 'Review',
    roles: reviewers,
    summary:
      'Counts of the region’s traces by status and agency, urgent, overdue, oldest wait, completions and turnaround',
    reads: 'replica',
    responses: { 200: { description: 'The summary', schema: QueueSummary } },
    handler: async ({ ctx, reader }) => ({ status: 200, body: await queue.summary(reader, ctx) }),
  });
}
