import type PDFKit from 'pdfkit';
import { documentFonts } from './pdf-fonts.ts';

export interface PdfOptions {
  size: 'A4' | [number, number];
  margin: number;
  lang: 'es' | 'en';
  info: { Title: string; Subject: string; Author: string; Keywords: string };
}

/**
 * A PDF/A-2b document with Noto Sans embedded (regular and bold), pages buffered so each can be numbered at the end,
 * and its bytes as a promise that resolves after `doc.end()`. PDF/A keeps records readable for decades: every font is
 * embedded, none of the 14 standard ones. pdfkit and the fonts load on the first document, not at start.
 */
export async function openPdf(options: PdfOptions): Promise<{ doc: PDFKit.PDFDocument; bytes: Promise<Buffer> }> {
  const { default: PDFDocument } = await import('pdfkit');
  const fonts = documentFonts();
  const doc = new PDFDocument({
    size: options.size,
    margin: options.margin,
    bufferPages: true,
    subset: 'PDF/A-2b',
    pdfVersion: '1.7',
    lang: options.lang,
    displayTitle: true,
    // pdfkit takes a font's bytes where its types say a path; the default would be standard Helvetica, not embedded
    font: fonts.regular as unknown as string,
    info: { ...options.info, Creator: 'Rastreo' },
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, bytes };
}

/** `text` cut with an ellipsis to `room` points by the current font's own widths (one measurement when it fits). */
export function fitText(doc: PDFKit.PDFDocument, text: string, room: number): string {
  if (doc.widthOfString(text) <= room) return text;
  let cut = text;
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > room) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A table's columns (relative widths) scaled to `width` points, never past the right margin. */
export const scaleColumns = <C extends { width: number }>(columns: readonly C[], width: number): C[] => {
  const total = columns.reduce((sum, column) => sum + column.width, 0);
  return columns.map((column) => ({ ...column, width: (column.width * width) / total }));
};

/** A table's header at the current line: each title cut to its column, a rule under them; the cursor moves past it. */
export function tableHeader(
  doc: PDFKit.PDFDocument,
  columns: readonly { title: string; width: number }[],
  left: number,
  row: number,
  fontSize: number,
): void {
  const y = doc.y;
  let x = left;
  doc.font('bold').fontSize(fontSize);
  for (const column of columns) {
    doc.text(fitText(doc, column.title, column.width - 4), x, y, { lineBreak: false });
    x += column.width;
  }
  doc
    .moveTo(left, y + row - 3)
    .lineTo(x, y + row - 3)
    .stroke();
  doc.x = left;
  doc.y = y + row;
}

/** A bilingual page footer: the document's reference and its page number in Spanish and English. */
export const bilingualFooter = (reference: string) => (page: number, pages: number) =>
  `${reference} · Página ${page} de ${pages} / Page ${page} of ${pages}`;

/**
 * Ends a document: on every page its `footer` (the page number) in the bottom margin, and — on a copy not yet final (a
 * destruction not verified, a count not closed) — `mark` across the page in `markColor`.
 */
export function finishPdf(
  doc: PDFKit.PDFDocument,
  margin: number,
  footer: (page: number, pages: number) => string,
  mark: string | null,
  markColor = '#e3a49c',
): void {
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    const { width, height, margins } = doc.page;
    const keep = margins.bottom;
    margins.bottom = 0; // writing in the bottom margin must not start a new page
    const number = footer(page + 1, range.count);
    doc
      .font('regular')
      .fontSize(8)
      .text(number, margin, height - margin + 16, { width: width - 2 * margin, align: 'center', lineBreak: false });
    if (mark) {
      doc.save();
      doc.rotate(-35, { origin: [width / 2, height / 2] });
      doc
        .font('bold')
        .fontSize(30)
        .fillColor(markColor)
        .text(mark, 0, height / 2 - 20, { width, align: 'center', lineBreak: false });
      doc.restore();
    }
    margins.bottom = keep;
  }
  doc.end();
}
