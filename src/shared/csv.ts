/**
 * Spreadsheets run cells that start with = + - @ (or a tab/CR, or the full-width ＝ ＋ － ＠) as formulas; a leading
 * quote keeps them text — the rule of csv-stringify's `escape_formulas`, which the server's CSV uses.
 */
export const neutralizeFormula = (value: string) =>
  /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;

/** The cell separator a spreadsheet expects in a language: `;` where the decimal separator is a comma (Spanish). */
export const csvSeparator = (language: string): ',' | ';' => (language.startsWith('es') ? ';' : ',');

/**
 * One CSV line (RFC 4180): cells with a quote, the separator or a line break are quoted; text cells are kept from
 * running as formulas.
 */
export const csvLine = (cells: (string | number | null)[], separator: ',' | ';' = ',') =>
  cells
    .map((cell) => {
      if (cell === null) return '';
      if (typeof cell === 'number') return String(cell);
      const text = neutralizeFormula(cell);
      return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(separator);
