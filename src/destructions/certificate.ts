import { localDateTime, timeZoneOf } from '../shared/time-zones.ts';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { certificateFonts } from './fonts.ts';
import type { DestructionDetail } from './schemas.ts';

/** A code in both of the certificate's languages, from the web UI's words for it. */
const both = (group: 'methods' | 'roles', code: string) =>
  `${(es[group] as Record<string, string>)[code] ?? code} / ${(en[group] as Record<string, string>)[code] ?? code}`;

interface Person {
  name: string;
  role: string;
}

const COLUMNS: { title: string; width: number; value: (item: DestructionDetail['items'][number]) => string }[] = [
  { title: '#', width: 40, value: () => '' },
  { title: 'Item / Ítem', width: 95, value: (item) => item.reference },
  { title: 'Manufacturer / Fabricante', width: 120, value: (item) => item.weapon.manufacturer },
  { title: 'Model / Modelo', width: 85, value: (item) => item.weapon.model },
  { title: 'Caliber / Calibre', width: 70, value: (item) => item.weapon.caliber },
  { title: 'Serial / Serie', width: 105, value: (item) => item.weapon.serialNumber ?? '(obliterated / borrado)' },
];

const MARGIN = 50;
const ROW = 14;

/** The certificate an official signs: the event, its witnesses and every weapon destroyed, in Spanish and English. */
export async function renderCertificate(
  event: DestructionDetail,
  agency: { name: string; code: string; country: string },
  completedBy: Person | null,
  verifiedBy: Person | null,
): Promise<Buffer> {
  // pdfkit and its fonts are loaded on the first certificate, not at start: most API processes never print one.
  const { default: PDFDocument } = await import('pdfkit');
  const fonts = certificateFonts();
  const doc = new PDFDocument({
    // PDF/A keeps records readable for decades: every font is embedded, none of the 14 standard ones.
    // (pdfkit takes a font's bytes where its types say a path; the default would be standard Helvetica, not embedded)
    size: 'A4',
    margin: MARGIN,
    subset: 'PDF/A-2b',
    pdfVersion: '1.7',
    lang: 'es',
    displayTitle: true,
    font: fonts.regular as unknown as string,
    info: {
      Title: `Acta de destrucción ${event.reference} / Certificate of destruction ${event.reference}`,
      Subject: `Destrucción de ${event.items.length} armas de fuego, ${agency.name} / Destruction of ${event.items.length} firearms`,
      Author: agency.name,
      Creator: 'Rastreo',
      Keywords: `${event.reference} ${agency.code}`,
    },
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const zone = timeZoneOf(agency.country);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('bold').fontSize(16).text('Certificado de destrucción de armas de fuego', { align: 'center' });
  doc.font('regular').fontSize(11).text('Certificate of destruction of firearms', { align: 'center' }).moveDown();

  const field = (label: string, value: string) => {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('regular').text(value);
  };
  field('Referencia / Reference', event.reference);
  if (event.certificateNumber) field('Certificado N.º / Certificate No.', event.certificateNumber);
  field('Institución / Agency', `${agency.name} (${agency.code}, ${agency.country})`);
  field('Fecha / Date', event.performedAt ? localDateTime(event.performedAt, zone) : '—');
  field('Lugar / Place', event.location);
  field('Método / Method', both('methods', event.method));
  field('Armas destruidas / Weapons destroyed', String(event.items.length));
  doc.moveDown(0.5).font('bold').text('Testigos / Witnesses');
  for (const witness of event.witnesses ?? [])
    doc
      .font('regular')
      .text(`• ${witness.name} — ${witness.organization}      Firma / Signature: ____________________`);
  doc.moveDown(0.5);
  field('Ejecutó / Completed by', completedBy ? `${completedBy.name} (${both('roles', completedBy.role)})` : '—');
  field(
    'Verificó / Verified by',
    verifiedBy
      ? `${verifiedBy.name} (${both('roles', verifiedBy.role)}), ${event.verifiedAt ? localDateTime(event.verifiedAt, zone) : ''}`
      : 'pendiente / pending',
  );
  if (event.notes) field('Notas / Notes', event.notes);
  doc.moveDown();

  const header = () => {
    const y = doc.y;
    let x = MARGIN;
    doc.font('bold').fontSize(8);
    for (const column of COLUMNS) {
      doc.text(column.title, x, y, { width: column.width - 4, lineBreak: false, ellipsis: true });
      x += column.width;
    }
    doc
      .moveTo(MARGIN, y + ROW - 3)
      .lineTo(MARGIN + COLUMNS.reduce((w, c) => w + c.width, 0), y + ROW - 3)
      .stroke();
    doc.x = MARGIN;
    doc.y = y + ROW;
  };
  header();
  doc.font('regular').fontSize(8);
  const fit = (text: string, width: number) => {
    if (doc.widthOfString(text) <= width) return text;
    let cut = text;
    while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
    return `${cut}…`;
  };
  event.items.forEach((item, index) => {
    if (doc.y + ROW > doc.page.height - MARGIN) {
      doc.addPage();
      header();
      doc.font('regular').fontSize(8);
    }
    const y = doc.y;
    let x = MARGIN;
    for (const column of COLUMNS) {
      // Cut to the column by the font's own widths (one measurement, no line wrapping: thousands of rows stay fast).
      doc.text(fit(column.title === '#' ? String(index + 1) : column.value(item), column.width - 4), x, y, {
        lineBreak: false,
      });
      x += column.width;
    }
    doc.x = MARGIN;
    doc.y = y + ROW;
  });
  doc.end();
  return done;
}
