import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { ReportQuery, TraceReport } from './schemas.ts';
import type { ReportService } from './service.ts';

export function reportRoutes(api: Api, reports: ReportService): void {
  api.add({
    method: 'get', path: '/reports/traces', tag: 'Reports', query: ReportQuery,
    summary: 'Trace statistics by recovery date, in the caller’s scope',
    description: 'With `Accept: text/csv` the groups come as CSV (columns: <groupBy>, count, completed, medianTimeToCrimeDays); ' +
      'cells starting with = + - @ are prefixed with a quote so spreadsheets do not run them.',
    responses: {
      200: { description: 'The report', schema: TraceReport, alternatives: { 'text/csv': Type.String({ contentMediaType: 'text/csv' }) } },
    },
    handler: async ({ db, ctx, query, req }) => {
      const report = await reports.traces(db, ctx, query);
      if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        return { status: 200, body: reports.toCsv(report), contentType: 'text/csv; charset=utf-8' };
      }
      return { status: 200, body: report };
    },
  });
}
