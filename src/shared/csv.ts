/** Spreadsheets run cells that start with = + - @ (or a tab/CR) as formulas; a leading quote keeps them text. */
export const neutralizeFormula = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** One CSV line (RFC 4180): cells with a quote, comma or line break are quoted; text cells are kept from running as formulas. */
export const csvLine = (cells: (string | number | null)[]) =>
  cells
    .map((cell) => {
      if (cell === null) return '';
      if (typeof cell === 'number') return String(cell);
      const text = neutralizeFormula(cell);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
