import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { isoDate } from '../shared/clock.ts';
import { csvSeparator } from '../shared/csv.ts';
import { ReportQuery, TraceReport } from './schemas.ts';
import type { ReportService } from './service.ts';

export function reportRoutes(api: Api, reports: ReportService): void {
  api.add({
    method: 'get',
    path: '/reports/traces',
    tag: 'Reports',
    query: ReportQuery,
    summary: 'Trace statistics by recovery date, in the caller’s scope',
    description:
      'With `Accept: text/csv` the groups come as CSV (columns: <groupBy>, count, completed, medianTimeToCrimeDays; CRLF ' +
      'line ends; months in calendar order); cells starting with = + - @, a tab or CR, or their full-width forms, are ' +
      'prefixed with a quote so spreadsheets do not run them. `excel=true` adds a byte-order mark and, in Spanish, `;` ' +
      'between cells.',
    responses: {
      200: {
        description: 'The report; as CSV, `Content-Disposition` names the file',
        schema: TraceReport,
        alternatives: { 'text/csv': Type.String({ contentMediaType: 'text/csv' }) },
        headers: ['Content-Disposition', 'Vary'],
      },
    },
    reads: 'replica',
    handler: async ({ ctx, query, req, reader, asOf }) => {
      const report = { ...(await reports.traces(reader, ctx, query)), asOf: asOf.toISOString() };
      // One URL, two representations (and a CSV per language): caches and clients must key on both.
      const headers: Record<string, string> = { Vary: 'Accept, Accept-Language' };
      if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        headers['Content-Disposition'] =
          `attachment; filename="rastreo-traces-by-${report.groupBy}-${isoDate(new Date())}.csv"`;
        const excel = query.excel === true;
        const language = req.acceptsLanguages('en', 'es') || 'en';
        const body = reports.toCsv(report, { excel, separator: excel ? csvSeparator(language) : ',' });
        return { status: 200, body, contentType: 'text/csv; charset=utf-8', headers };
      }
      return { status: 200, body: report, headers };
    },
  });
}
