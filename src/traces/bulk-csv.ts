import { parse } from 'csv-parse/sync';
import { invalid, invalidField } from '../shared/problem.ts';
import { HOSTILE_MESSAGE, isHostileText } from '../shared/hostile-text.ts';
import { BULK_CSV_COLUMNS } from './schemas.ts';

const BOOLEANS = new Set(['weapon.serialObliterated', 'urgent', 'draft']);
const NUMBERS = new Set(['recovery.latitude', 'recovery.longitude']);

function cell(column: string, raw: string): unknown {
  if (BOOLEANS.has(column)) {
    const lower = raw.toLowerCase();
    if (['true', '1', 'yes', 'sí', 'si'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return false;
  }
  if (NUMBERS.has(column) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw; // left as text: the schema then names the field and what it expected
}

/** Turns CSV rows into create bodies; empty cells are absent fields, and an object with no cells is absent. */
export function parseBulkCsv(text: string): unknown[] {
  let records: string[][];
  // A spreadsheet in Spanish saves its CSV with `;` between cells (the comma is its decimal sign): the header row, whose
  // column names hold neither, tells which one the file uses.
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true, delimiter });
  } catch (error) {
    throw invalidField('', `is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw invalidField('', 'is empty: send a header row and at least one row');
  const unknown = header.filter((column) => !(BULK_CSV_COLUMNS as readonly string[]).includes(column));
  if (unknown.length) {
    throw invalid(
      unknown.map((column) => ({ path: `/header/${column}`, message: 'is not a known column' })),
      'The CSV header has unknown columns.',
    );
  }
  const hostile = rows.flatMap((values, row) =>
    header.flatMap((column, i) =>
      isHostileText(values[i] ?? '') ? [{ path: `/${row}/${column}`, message: HOSTILE_MESSAGE }] : [],
    ),
  );
  if (hostile.length) throw invalid(hostile);
  return rows.map((values) => {
    const body: Record<string, unknown> = {};
    header.forEach((column, i) => {
      const raw = values[i] ?? '';
      if (raw === '') return;
      const [first, second] = column.split('.') as [string, string | undefined];
      if (second === undefined) body[first] = cell(column, raw);
      else ((body[first] ??= {}) as Record<string, unknown>)[second] = cell(column, raw);
    });
    return body;
  });
}
