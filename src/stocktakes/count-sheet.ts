import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { bilingualFooter, finishPdf, fitText, openPdf, scaleColumns, tableHeader } from '../platform/pdf.ts';
import { localDateTime, timeZoneOf } from '../shared/time-zones.ts';
import type { StocktakeDetail, StocktakeLine } from './schemas.ts';

const MARGIN = 40;
const ROW = 13;
const INK = '#1d2733';
const MARK = '#e3a49c';

/** A word in both of the sheet's languages, from the web UI's catalogues. */
const both = (group: 'outcomes' | 'explanations', code: string) => {
  const word = (catalogue: typeof en) =>
    ((catalogue.stocktakes as Record<string, unknown>)[group] as Record<string, string>)[code] ?? code;
  return `${word(es as unknown as typeof en)} / ${word(en)}`;
};

const COLUMNS: { title: string; width: number; value: (line: StocktakeLine, index: number) => string }[] = [
  { title: '#', width: 30, value: (_, index) => String(index + 1) },
  { title: 'Ítem / Item', width: 85, value: (line) => line.itemReference },
  {
    title: 'Arma / Weapon',
    width: 150,
    value: (line) => `${line.weapon.manufacturer} ${line.weapon.model} · ${line.weapon.caliber}`,
  },
  { title: 'Serie / Serial', width: 85, value: (line) => line.weapon.serialNumber ?? '—' },
  { title: 'Resultado / Result', width: 110, value: (line) => both('outcomes', line.outcome) },
  { title: 'Contó / Counted by', width: 90, value: (line) => line.countedBy?.name ?? '' },
];

/**
 * The count sheet two stockpile managers sign: the store, who opened and who closed the count, the tally, every item
 * missing and unexpected (each explained) and then every line, with signature lines — in Spanish and English. A sheet
 * printed before the count is closed says so across every page.
 */
export async function renderCountSheet(
  stocktake: StocktakeDetail,
  lines: StocktakeLine[],
  language: 'es' | 'en',
): Promise<Buffer> {
  const { doc, bytes } = await openPdf({
    size: 'A4',
    margin: MARGIN,
    lang: language,
    info: {
      Title: `Hoja de conteo ${stocktake.reference} / Count sheet ${stocktake.reference}`,
      Subject: `${stocktake.storageLocation} — ${stocktake.agency.name}`,
      Author: stocktake.agency.name,
      Keywords: `${stocktake.reference} ${stocktake.agency.code}`,
    },
  });
  const zone = timeZoneOf(stocktake.agency.country);
  const when = (iso: string | null) => (iso ? localDateTime(iso, zone) : '—');
  const width = doc.page.width - 2 * MARGIN;
  doc.fillColor(INK).strokeColor(INK).lineWidth(0.75);

  doc.font('bold').fontSize(13).text(stocktake.agency.name, { width });
  doc.font('regular').fontSize(9).text(`${stocktake.agency.code} · ${stocktake.agency.country}`, { width });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(15).text('Hoja de conteo de inventario', { align: 'center', width });
  doc.font('regular').fontSize(10).text('Stocktake count sheet', { align: 'center', width }).moveDown(0.6);

  const field = (label: string, value: string) =>
    doc.font('bold').fontSize(9).text(`${label}: `, { continued: true, width }).font('regular').text(value, { width });
  field('Referencia / Reference', stocktake.reference);
  field('Depósito / Store', stocktake.storageLocation);
  field('Abrió / Opened by', `${stocktake.openedByName}, ${when(stocktake.openedAt)}`);
  field(
    'Cerró / Closed by',
    stocktake.closedByName ? `${stocktake.closedByName}, ${when(stocktake.closedAt)}` : 'pendiente / pending',
  );
  field('Esperados / Expected', String(stocktake.expected));
  field('Contados / Counted', String(stocktake.counted));
  field('Faltantes / Missing', stocktake.missingCount === null ? '—' : String(stocktake.missingCount));
  field('Inesperados / Unexpected', String(stocktake.unexpectedCount));
  if (stocktake.note) field('Nota de apertura / Opening note', stocktake.note);
  if (stocktake.closingNote) field('Nota de cierre / Closing note', stocktake.closingNote);
  doc.moveDown();

  const columns = scaleColumns(COLUMNS, width);
  const fit = (text: string, room: number) => fitText(doc, text, room);
  const bottom = () => doc.page.height - MARGIN - ROW;
  const header = () => tableHeader(doc, columns, MARGIN, ROW, 7.5);
  const table = (title: string, rows: StocktakeLine[], explain: boolean) => {
    if (doc.y + 3 * ROW > bottom()) doc.addPage();
    doc.font('bold').fontSize(10).text(`${title} (${rows.length})`, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
    if (!rows.length) return void doc.font('regular').fontSize(8).text('—', { width }).moveDown(0.6);
    header();
    rows.forEach((line, index) => {
      const explained = explain && line.explanation;
      if (doc.y + (explained ? 2 : 1) * ROW > bottom()) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      let x = MARGIN;
      doc.font('regular').fontSize(7.5);
      for (const column of columns) {
        doc.text(fit(column.value(line, index), column.width - 4), x, y, { lineBreak: false });
        x += column.width;
      }
      doc.x = MARGIN;
      doc.y = y + ROW;
      if (explained) {
        // Why it is here or gone, on a line of its own under the item: the words a reader needs are long.
        const indent = columns[0]!.width;
        doc
          .fontSize(7)
          .text(fit(`» ${both('explanations', line.explanation!)}`, width - indent), MARGIN + indent, doc.y - 3, {
            lineBreak: false,
          });
        doc.x = MARGIN;
        doc.y = y + 2 * ROW - 3;
      }
    });
    doc.moveDown(0.6);
  };
  table('Faltantes / Missing', stocktake.missing, false);
  table('Inesperados / Unexpected', stocktake.unexpected, true);
  if (stocktake.left.length) table('Salieron durante el conteo / Left during the count', stocktake.left, true);
  table('Todas las líneas / Every line', lines, false);

  // Signatures: the one who opened the count and the second person who closed it.
  const half = (width - 30) / 2;
  if (doc.y + 80 > bottom()) doc.addPage();
  doc.moveDown(1).font('bold').fontSize(10).text('Firmas / Signatures', MARGIN, doc.y, { width });
  const y = doc.y + 30;
  const signers = [
    { x: MARGIN, name: stocktake.openedByName, as: 'Abrió el conteo / Opened the count' },
    { x: MARGIN + half + 30, name: stocktake.closedByName ?? '', as: 'Cerró el conteo / Closed the count' },
  ];
  for (const signer of signers) {
    doc
      .moveTo(signer.x, y)
      .lineTo(signer.x + half, y)
      .stroke();
    doc
      .font('bold')
      .fontSize(9)
      .text(signer.name || ' ', signer.x, y + 4, { width: half, lineBreak: false });
    doc
      .font('regular')
      .fontSize(8)
      .text(signer.as, signer.x, y + 16, { width: half, lineBreak: false });
  }

  finishPdf(
    doc,
    MARGIN,
    bilingualFooter(stocktake.reference),
    stocktake.status === 'closed' ? null : 'NO CERRADO / NOT CLOSED',
    MARK,
  );
  return bytes;
}
