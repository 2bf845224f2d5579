import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { isoDate } from '../shared/clock.ts';
import { csvSeparator } from '../shared/csv.ts';
import { CountryReport, CountryReportQuery, ReportQuery, TraceReport } from './schemas.ts';
import { renderCountryReport } from './country-pdf.ts';
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
  api.add({
    method: 'get',
    path: '/reports/country',
    tag: 'Reports',
    query: CountryReportQuery,
    roles: ['advisor', 'investigator', 'admin'],
    summary: 'The country report: guns recovered in a country in a calendar year and traced (ATF-style trace data)',
    description:
      'Advisors ask for the countries of their region’s agencies, investigators for their own agency’s country, admins ' +
      'for any (403 otherwise). Counts the guns recovered in the country (`recovery.country`) in `year`, each once, in ' +
      'one statement: every table adds up to its total. `Accept: application/pdf` → the printable report (title page, ' +
      'map of US source states, tables, time-to-crime chart, disclaimer; PDF/A) in the language of `Accept-Language` ' +
      '(es or en); `Accept: text/csv` → the tables as rows (table, row, guns), for spreadsheets with `excel=true`.',
    responses: {
      200: {
        description: 'The report; as PDF or CSV, `Content-Disposition` names the file',
        schema: CountryReport,
        alternatives: {
          'application/pdf': Type.String({ contentMediaType: 'application/pdf' }),
          'text/csv': Type.String({ contentMediaType: 'text/csv' }),
        },
        headers: ['Content-Disposition', 'Vary'],
      },
    },
    reads: 'replica',
    handler: async ({ ctx, query, req, reader }) => {
      const language = req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en';
      const report = await reports.country(reader, ctx, query, language);
      const headers: Record<string, string> = { Vary: 'Accept, Accept-Language' };
      const name = `rastreo-${query.country}-${query.year}`;
      const wanted = req.accepts(['application/json', 'application/pdf', 'text/csv']);
      if (wanted === 'application/pdf') {
        headers['Content-Disposition'] = `inline; filename="${name}.pdf"`;
        const pdf = await renderCountryReport(report, language);
        return { status: 200, body: pdf, contentType: 'application/pdf', headers };
      }
      if (wanted === 'text/csv') {
        headers['Content-Disposition'] = `attachment; filename="${name}.csv"`;
        const excel = query.excel === true;
        const body = reports.countryCsv(report, language, { excel, separator: excel ? csvSeparator(language) : ',' });
        return { status: 200, body, contentType: 'text/csv; charset=utf-8', headers };
      }
      return { status: 200, body: report, headers };
    },
  });
}
