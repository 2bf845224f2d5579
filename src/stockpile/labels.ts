import QRCode from 'qrcode';
import type PDFKit from 'pdfkit';
import { openPdf } from '../platform/pdf.ts';
import type { LABEL_LAYOUT_NAMES } from './schemas.ts';

const MM = 72 / 25.4;

/**
 * Label stock in common use: A4 sheets of 24 (3 × 8, 63.5 × 33.9 mm, as Avery L7159) and 14 (2 × 7, 99.1 × 38.1 mm,
 * as L7163), and a roll of 62 × 29 mm labels for label printers, one label per page.
 */
export const LABEL_LAYOUTS = {
  a4_3x8: { sheet: 'A4', columns: 3, rows: 8, width: 63.5, height: 33.9, left: 7.2, top: 12.9, gapX: 2.5, gapY: 0 },
  a4_2x7: { sheet: 'A4', columns: 2, rows: 7, width: 99.1, height: 38.1, left: 4.65, top: 15.15, gapX: 2.5, gapY: 0 },
  roll_62x29: { sheet: 'label', columns: 1, rows: 1, width: 62, height: 29, left: 0, top: 0, gapX: 0, gapY: 0 },
} as const satisfies Record<LabelLayout, unknown>;
export type LabelLayout = (typeof LABEL_LAYOUT_NAMES)[number];

export interface LabelItem {
  reference: string;
  manufacturer: string;
  model: string;
  caliber: string;
  serialNumber: string | null;
}

/** The weapon's short form on a label, a line each: what a person checks against the gun in hand. */
export const weaponShortForm = (item: LabelItem) => [
  item.manufacturer,
  item.model,
  item.caliber,
  `S/N ${item.serialNumber ?? '—'}`,
];

/** A QR code of `text` as vector squares (no raster): runs of dark modules in each row, drawn as one path. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2; // modules of white around the code; the label's own margin adds to it
  const cell = side / (modules.size + 2 * quiet);
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x + (start + quiet) * cell, y + (row + quiet) * cell, (col - start) * cell + 0.01, cell + 0.01);
    }
  }
  doc.fillColor('#000000').fill();
}

/** One label at (x, y): the QR code of the reference on the left; the reference, the weapon and its serial beside it. */
function drawLabel(doc: PDFKit.PDFDocument, item: LabelItem, x: number, y: number, width: number, height: number) {
  const pad = 2 * MM;
  const side = height - 2 * pad;
  drawQr(doc, item.reference, x + pad, y + pad, side);
  const textX = x + pad + side + 1.5 * MM;
  const textWidth = width - (textX - x) - pad;
  const line = (text: string, font: 'regular' | 'bold', size: number, at: number) =>
    doc
      .font(font)
      .fontSize(size)
      .fillColor('#000000')
      .text(text, textX, at, { width: textWidth, height: size * 1.3, lineBreak: false, ellipsis: true });
  // The reference and the serial always whole: their size shrinks to the room beside the code.
  const fitted = (text: string, font: 'regular' | 'bold', max: number) =>
    Math.min(max, (textWidth - 1) / doc.font(font).fontSize(1).widthOfString(text));
  const big = fitted(item.reference, 'bold', Math.min(11, height / 3.4));
  line(item.reference, 'bold', big, y + pad + 1);
  const small = Math.min(big * 0.8, 8);
  let at = y + pad + big * 1.45;
  weaponShortForm(item).forEach((text, index, all) => {
    const size = index === all.length - 1 ? fitted(text, 'regular', small) : small;
    line(text, 'regular', size, at);
    at += small * 1.25;
  });
}

/** Labels for `items` on `layout`, in the order given, as a PDF/A document. */
export async function renderLabels(items: LabelItem[], layout: LabelLayout, author: string): Promise<Buffer> {
  const spec = LABEL_LAYOUTS[layout];
  const { doc, bytes } = await openPdf({
    size: spec.sheet === 'A4' ? 'A4' : [spec.width * MM, spec.height * MM],
    margin: 0,
    lang: 'es',
    info: {
      Title: `Etiquetas / Labels (${items.length})`,
      Subject: items.length === 1 ? items[0]!.reference : `${items[0]!.reference} … ${items.at(-1)!.reference}`,
      Author: author,
      Keywords: 'Rastreo labels',
    },
  });
  const perPage = spec.columns * spec.rows;
  items.forEach((item, index) => {
    const slot = index % perPage;
    if (index > 0 && slot === 0) doc.addPage();
    const column = slot % spec.columns;
    const row = Math.floor(slot / spec.columns);
    const x = (spec.left + column * (spec.width + spec.gapX)) * MM;
    const y = (spec.top + row * (spec.height + spec.gapY)) * MM;
    drawLabel(doc, item, x, y, spec.width * MM, spec.height * MM);
  });
  doc.end();
  return bytes;
}
