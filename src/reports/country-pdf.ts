import type PDFKit from 'pdfkit';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { translate } from '../i18n/translate.ts';
import { finishPdf, fitText, openPdf, scaleColumns, tableHeader } from '../platform/pdf.ts';
import { colorOf, mapClasses } from './rules.ts';
import { OUTCOME_KEYS, type CountryReport } from './schemas.ts';
import { US_MAP_SIZE, usStateShapes } from './us-map.ts';
import { stateName } from '../shared/us-states.ts';

const MARGIN = 50;
const ROW = 15;
const INK = '#1d2733';
const BAR = '#2171b5';

/**
 * The country report as a ministry or a donor reads it: a title page with the key figures and the disclaimer, the map
 * of US source states (a choropleth drawn as vector shapes from us-atlas with d3-geo), the tables, a time-to-crime
 * chart, numbered pages — in the caller's language, PDF/A like the certificates.
 */
export async function renderCountryReport(report: CountryReport, language: 'es' | 'en'): Promise<Buffer> {
  const words = language === 'es' ? es : en;
  const t = (key: string, values: Record<string, string | number> = {}) => translate(words, key, values);
  const number = new Intl.NumberFormat(language === 'es' ? 'es-SV' : 'en-US');
  const percent = new Intl.NumberFormat(language === 'es' ? 'es-SV' : 'en-US', {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  const country = new Intl.DisplayNames([language], { type: 'region' }).of(report.country) ?? report.country;
  const { doc, bytes } = await openPdf({
    size: 'A4',
    margin: MARGIN,
    lang: language,
    info: {
      Title: `${t('countryReport.title')} — ${t('countryReport.subtitle', { country, year: report.year })}`,
      Subject: t('countryReport.mapTitle', { country, year: report.year }),
      Author: 'Rastreo',
      Keywords: `${report.country} ${report.year}`,
    },
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.fillColor(INK).strokeColor(INK).lineWidth(0.75);

  // The title page: what, where and when; the three figures people quote; the disclaimer.
  doc.moveDown(4);
  doc.font('bold').fontSize(24).text(t('countryReport.title'), { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(14)
    .text(t('countryReport.subtitle', { country, year: report.year }), {
      width,
      align: 'center',
    });
  doc.moveDown(2);
  const figures: [string, string][] = [
    [t('countryReport.recovered'), number.format(report.recovered)],
    [t('countryReport.traced'), number.format(report.traced)],
    [
      t('countryReport.usSourced'),
      `${number.format(report.usSourced.count)}${report.usSourced.share === null ? '' : ` (${t('countryReport.share', { share: percent.format(report.usSourced.share) })})`}`,
    ],
  ];
  for (const [label, value] of figures) {
    doc.font('bold').fontSize(20).text(value, { width, align: 'center' });
    doc.font('regular').fontSize(11).text(label, { width, align: 'center' }).moveDown(1);
  }
  doc.moveDown(2);
  doc
    .font('regular')
    .fontSize(9)
    .text(t('countryReport.generatedAt', { when: report.generatedAt.slice(0, 16).replace('T', ' ') + ' UTC' }), {
      width,
      align: 'center',
    });
  doc.moveDown(2).font('regular').fontSize(9).text(report.disclaimer, { width, align: 'justify' });

  // The map of source states, every state drawn: none is the lightest colour, never a gap.
  doc.addPage();
  heading(doc, t('countryReport.mapTitle', { country, year: report.year }), width);
  doc.font('regular').fontSize(9).text(t('countryReport.sourceStatesLead'), { width }).moveDown(0.5);
  const counts = new Map(report.bySourceState.map((row) => [row.state, row.count]));
  const classes = mapClasses(Math.max(0, ...report.bySourceState.filter((r) => r.state).map((r) => r.count)));
  const scale = width / US_MAP_SIZE.width;
  const top = doc.y;
  doc.save();
  doc.translate(MARGIN, top).scale(scale);
  for (const state of usStateShapes()) {
    doc
      .path(state.path)
      .fillColor(colorOf(counts.get(state.code) ?? 0, classes))
      .fill();
    doc
      .path(state.path)
      .lineWidth(0.6 / scale)
      .strokeColor('#ffffff')
      .stroke();
  }
  doc.restore();
  doc.fillColor(INK).strokeColor(INK).lineWidth(0.75);
  doc.y = top + US_MAP_SIZE.height * scale + 8;
  // The legend: a swatch and its range per class.
  doc.font('bold').fontSize(8).text(t('countryReport.legend'), MARGIN, doc.y);
  let x = MARGIN;
  const legendY = doc.y + 3;
  for (const range of classes) {
    doc.rect(x, legendY, 12, 9).fillColor(range.color).fill();
    const label = range.from === range.to ? number.format(range.from) : `${range.from}–${range.to}`;
    doc
      .fillColor(INK)
      .font('regular')
      .fontSize(8)
      .text(label, x + 15, legendY + 1, { lineBreak: false });
    x += 70;
  }
  doc.x = MARGIN;
  doc.y = legendY + 22;
  table(
    doc,
    [t('countryReport.state'), t('countryReport.count'), t('countryReport.percent')],
    report.bySourceState.map((row) => [
      row.state ? `${stateName(row.state)} (${row.state})` : t('countryReport.unknownState'),
      number.format(row.count),
      report.usSourced.count ? percent.format(row.count / report.usSourced.count) : '—',
    ]),
    width,
  );

  // The tables, and time-to-crime as a chart.
  doc.addPage();
  const share = (count: number) => (report.recovered ? percent.format(count / report.recovered) : '—');
  heading(doc, t('countryReport.byType'), width);
  table(
    doc,
    [t('countryReport.type'), t('countryReport.count'), t('countryReport.percent')],
    report.byType.map((row) => [t(`weaponTypes.${row.type}`), number.format(row.count), share(row.count)]),
    width,
  );
  heading(doc, t('countryReport.manufacturers'), width);
  table(
    doc,
    [t('countryReport.manufacturer'), t('countryReport.count'), t('countryReport.percent')],
    report.topManufacturers.map((row) => [
      row.manufacturer ?? t('countryReport.others'),
      number.format(row.count),
      share(row.count),
    ]),
    width,
  );
  heading(doc, t('countryReport.calibers'), width);
  table(
    doc,
    [t('countryReport.caliber'), t('countryReport.count'), t('countryReport.percent')],
    report.topCalibers.map((row) => [
      row.caliber ?? t('countryReport.others'),
      number.format(row.count),
      share(row.count),
    ]),
    width,
  );
  heading(doc, t('countryReport.outcomes'), width);
  table(
    doc,
    [t('countryReport.outcome'), t('countryReport.count'), t('countryReport.percent')],
    OUTCOME_KEYS.map((key) => [
      t(`outcomes.${key}`),
      number.format(report.outcomes[key] ?? 0),
      share(report.outcomes[key] ?? 0),
    ]),
    width,
  );

  const ttc = report.timeToCrime;
  if (doc.y + 120 > doc.page.height - MARGIN) doc.addPage();
  heading(doc, t('countryReport.timeToCrime'), width);
  doc
    .font('regular')
    .fontSize(9)
    .text(t('countryReport.timeToCrimeLead', { count: number.format(ttc.count) }), { width })
    .moveDown(0.5);
  const bars: [string, number][] = [
    [t('countryReport.under1Year'), ttc.under1Year],
    [t('countryReport.oneToThreeYears'), ttc.oneToThreeYears],
    [t('countryReport.overThreeYears'), ttc.overThreeYears],
  ];
  const most = Math.max(1, ...bars.map(([, count]) => count));
  const labelWidth = 110;
  for (const [label, count] of bars) {
    const y = doc.y;
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(INK)
      .text(label, MARGIN, y + 2, { width: labelWidth, lineBreak: false });
    const length = ((width - labelWidth - 60) * count) / most;
    if (count)
      doc
        .rect(MARGIN + labelWidth, y, length, 14)
        .fillColor(BAR)
        .fill();
    doc.fillColor(INK).text(number.format(count), MARGIN + labelWidth + length + 6, y + 2, { lineBreak: false });
    doc.x = MARGIN;
    doc.y = y + 20;
  }
  if (ttc.medianDays !== null)
    doc
      .font('bold')
      .fontSize(9)
      .text(t('countryReport.medianDays', { days: number.format(ttc.medianDays) }), MARGIN, doc.y, {
        width,
      });

  finishPdf(
    doc,
    MARGIN,
    (page, pages) => `${country} ${report.year} · ${t('countryReport.page', { page, pages })}`,
    null,
  );
  return bytes;
}

function heading(doc: PDFKit.PDFDocument, text: string, width: number) {
  if (doc.y + 60 > doc.page.height - MARGIN) doc.addPage();
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor(INK).text(text, MARGIN, doc.y, { width }).moveDown(0.3);
}

/** A table of text rows under a header, its first column wide; a new page (header again) when one is full. */
function table(doc: PDFKit.PDFDocument, titles: string[], rows: string[][], width: number) {
  const columns = scaleColumns(
    titles.map((title, index) => ({ title, width: index === 0 ? 3 : 1 })),
    width,
  );
  tableHeader(doc, columns, MARGIN, ROW, 9);
  for (const row of rows) {
    if (doc.y + ROW > doc.page.height - MARGIN - ROW) {
      doc.addPage();
      tableHeader(doc, columns, MARGIN, ROW, 9);
    }
    const y = doc.y;
    let x = MARGIN;
    doc.font('regular').fontSize(9);
    row.forEach((cell, index) => {
      doc.text(fitText(doc, cell, columns[index]!.width - 4), x, y, { lineBreak: false });
      x += columns[index]!.width;
    });
    doc.x = MARGIN;
    doc.y = y + ROW;
  }
}
