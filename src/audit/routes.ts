import type { Api } from '../http/api.ts';
import { Page } from '../shared/schemas.ts';
import { audit } from '../db/audit-log.ts';
import { listAudit } from './repository.ts';
import { AuditEntry, AuditQuery } from './schemas.ts';

export function auditRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'Audit',
    roles: ['admin'],
    query: AuditQuery,
    summary: 'The append-only audit log, newest first (this read is audited too)',
    responses: { 200: { description: 'A page of entries', schema: Page(AuditEntry) } },
    handler: async ({ db, ctx, query }) => {
      const page = await listAudit(db, query, query.limit ?? 50);
      const { limit: _limit, cursor: _cursor, ...filters } = query;
      await audit(db, ctx, {
        action: 'audit.read',
        entity: 'audit_log',
        details: { filters, entries: page.items.length },
      });
      return { status: 200, body: page };
    },
  });
}
