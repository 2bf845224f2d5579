import { localDateTime, timeZoneOf } from '../shared/time-zones.ts';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { bilingualFooter, finishPdf, fitText, openPdf, scaleColumns, tableHeader } from '../platform/pdf.ts';
import type { DestructionDetail } from './schemas.ts';

/** A code in both of the certificate's languages, from the web UI's words for it. */
const both = (group: 'methods' | 'roles', code: string) =>
  `${(es[group] as Record<string, string>)[code] ?? code} / ${(en[group] as Record<string, string>)[code] ?? code}`;

interface Person {
  name: string;
  role: string;
}

/** A photograph printed on the certificate: its preview (a JPEG without metadata), what it shows and when. */
export interface CertificatePhoto {
  kind: 'before_destruction' | 'after_destruction';
  caption: string | null;
  takenAt: string | null;
  jpeg: Buffer;
}

const PHOTO_KIND = { before_destruction: 'Antes / Before', after_destruction: 'Después / After' } as const;

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
const LOGO = 56;
const INK = '#1d2733';
const MARK = '#e3a49c';

/** A country's name in both of the certificate's languages ("El Salvador / El Salvador", "Honduras / Honduras"). */
const countryName = (code: string) => {
  const es = new Intl.DisplayNames(['es'], { type: 'region' }).of(code) ?? code;
  const en = new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  return es === en ? es : `${es} / ${en}`;
};

/**
 * The certificate an official signs and a ministry files: the agency's letterhead (with a slot for its seal), the
 * event, every weapon destroyed, signature lines for each witness, the official who did it and the one who verified
 * it, page numbers — in Spanish and English. A copy printed before verification says so across every page.
 */
export async function renderCertificate(
  event: DestructionDetail,
  agency: { name: string; code: string; country: string },
  completedBy: Person | null,
  verifiedBy: Person | null,
  photos: CertificatePhoto[] = [],
): Promise<Buffer> {
  const { doc, bytes } = await openPdf({
    size: 'A4',
    margin: MARGIN,
    lang: 'es',
    info: {
      Title: `Acta de destrucción ${event.reference} / Certificate of destruction ${event.reference}`,
      Subject: `Destrucción de ${event.items.length} armas de fuego, ${agency.name} / Destruction of ${event.items.length} firearms`,
      Author: agency.name,
      Keywords: `${event.reference} ${agency.code}`,
    },
  });
  const zone = timeZoneOf(agency.country);
  const width = doc.page.width - 2 * MARGIN;
  doc.fillColor(INK).strokeColor(INK);

  // Letterhead: the seal's slot, the agency and its country, a rule.
  doc.lineWidth(0.75).rect(MARGIN, MARGIN, LOGO, LOGO).stroke();
  doc
    .font('regular')
    .fontSize(6)
    .text('Escudo / Seal', MARGIN, MARGIN + LOGO / 2 - 4, { width: LOGO, align: 'center', lineBreak: false });
  const head = MARGIN + LOGO + 14;
  doc
    .font('bold')
    .fontSize(13)
    .text(agency.name, head, MARGIN + 6, { width: width - LOGO - 14 });
  doc
    .font('regular')
    .fontSize(9)
    .text(`${countryName(agency.country)} · ${agency.code}`, head, doc.y + 2, { width: width - LOGO - 14 });
  const ruleY = Math.max(doc.y, MARGIN + LOGO) + 8;
  doc
    .lineWidth(1.5)
    .moveTo(MARGIN, ruleY)
    .lineTo(MARGIN + width, ruleY)
    .stroke()
    .lineWidth(0.75);
  doc.x = MARGIN;
  doc.y = ruleY + 14;

  doc.font('bold').fontSize(16).text('Certificado de destrucción de armas de fuego', { align: 'center', width });
  doc
    .font('regular')
    .fontSize(11)
    .text('Certificate of destruction of firearms', { align: 'center', width })
    .moveDown();

  const field = (label: string, value: string) => {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true, width }).font('regular').text(value, { width });
  };
  field('Referencia / Reference', event.reference);
  if (event.certificateNumber) field('Certificado N.º / Certificate No.', event.certificateNumber);
  field('Institución / Agency', `${agency.name} (${agency.code}, ${agency.country})`);
  field('Fecha / Date', event.performedAt ? localDateTime(event.performedAt, zone) : '—');
  field('Lugar / Place', event.location);
  field('Método / Method', both('methods', event.method));
  field('Armas destruidas / Weapons destroyed', String(event.items.length));
  field(
    'Verificó / Verified by',
    verifiedBy
      ? `${verifiedBy.name} (${both('roles', verifiedBy.role)}), ${event.verifiedAt ? localDateTime(event.verifiedAt, zone) : ''}`
      : 'pendiente / pending',
  );
  if (event.notes) field('Notas / Notes', event.notes);
  doc.moveDown();

  // The items, in columns scaled to the page's text width (never past the right margin).
  const columns = scaleColumns(COLUMNS, width);
  const fit = (text: string, room: number) => fitText(doc, text, room);
  const header = () => tableHeader(doc, columns, MARGIN, ROW, 8);
  header();
  doc.font('regular').fontSize(8);
  const bottom = () => doc.page.height - MARGIN - ROW;
  event.items.forEach((item, index) => {
    if (doc.y + ROW > bottom()) {
      doc.addPage();
      header();
      doc.font('regular').fontSize(8);
    }
    const y = doc.y;
    let x = MARGIN;
    for (const column of columns) {
      // Cut to the column by the font's own widths (one measurement, no line wrapping: thousands of rows stay fast).
      doc.text(fit(column.title === '#' ? String(index + 1) : column.value(item), column.width - 4), x, y, {
        lineBreak: false,
      });
      x += column.width;
    }
    doc.x = MARGIN;
    doc.y = y + ROW;
  });

  // The photographs before and after, three to a row, each with what it shows and when it was taken.
  if (photos.length) {
    const gap = 12;
    const cell = (width - 2 * gap) / 3;
    const imageHeight = cell * 0.75;
    const block = imageHeight + 30;
    if (doc.y + 40 + block > bottom()) doc.addPage();
    doc.moveDown(1).font('bold').fontSize(10).text('Fotografías / Photographs', MARGIN, doc.y, { width });
    let rowY = doc.y + 6;
    photos.forEach((photo, index) => {
      if (index % 3 === 0 && index > 0) rowY += block;
      if (index % 3 === 0 && rowY + block > bottom()) {
        doc.addPage();
        rowY = MARGIN;
      }
      const x = MARGIN + (index % 3) * (cell + gap);
      doc.image(photo.jpeg, x, rowY, { fit: [cell, imageHeight], align: 'center', valign: 'center' });
      const label = [PHOTO_KIND[photo.kind], photo.caption, photo.takenAt ? localDateTime(photo.takenAt, zone) : null]
        .filter(Boolean)
        .join(' · ');
      doc
        .font('regular')
        .fontSize(7)
        .text(label, x, rowY + imageHeight + 3, { width: cell, height: 24, ellipsis: true });
    });
    doc.x = MARGIN;
    doc.y = rowY + block;
  }

  // Signatures: a line, then who signs and as what — each witness, the official who did it, the verifier.
  const signers = [
    ...(event.witnesses ?? []).map((w) => ({ name: w.name, as: `Testigo / Witness — ${w.organization}` })),
    ...(completedBy
      ? [{ name: completedBy.name, as: `Ejecutó / Completed by — ${both('roles', completedBy.role)}` }]
      : []),
    verifiedBy
      ? { name: verifiedBy.name, as: `Verificó / Verified by — ${both('roles', verifiedBy.role)}` }
      : { name: '', as: 'Verificó / Verified by' },
  ];
  const BLOCK = 62;
  const half = (width - 30) / 2;
  if (doc.y + 30 + BLOCK > bottom()) doc.addPage();
  doc.moveDown(1.5).font('bold').fontSize(10).text('Firmas / Signatures', MARGIN, doc.y, { width });
  let y = doc.y + 28;
  signers.forEach((signer, index) => {
    const x = index % 2 === 0 ? MARGIN : MARGIN + half + 30;
    if (index % 2 === 0 && index > 0) y += BLOCK;
    if (index % 2 === 0 && y + BLOCK - 28 > bottom()) {
      doc.addPage();
      y = MARGIN + 28;
    }
    doc
      .moveTo(x, y)
      .lineTo(x + half, y)
      .stroke();
    doc
      .font('bold')
      .fontSize(9)
      .text(signer.name || ' ', x, y + 4, { width: half, lineBreak: false, ellipsis: true });
    doc
      .font('regular')
      .fontSize(8)
      .text(signer.as, x, doc.y + 1, { width: half, height: 22, ellipsis: true });
  });

  // On every page: its number, and on a copy not yet verified the mark that says so.
  doc.fillColor(INK);
  finishPdf(
    doc,
    MARGIN,
    bilingualFooter(event.reference),
    event.status === 'verified' ? null : 'NO VERIFICADO / NOT VERIFIED',
    MARK,
  );
  return bytes;
}
