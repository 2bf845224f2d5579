/** Serial numbers are compared upper-cased without spaces, '-', '.' or '/': "ab-12.3" and "AB 123" are one serial. */
export const normalizeSerial = (serial: string) => serial.toUpperCase().replace(/[\s\-./]/g, '');

/** Manufacturers are compared upper-cased with punctuation and repeated spaces folded. */
export const normalizeManufacturer = (name: string) =>
  name
    .toUpperCase()
    .replace(/[^\p{L}\p{N}&]+/gu, ' ')
    .trim();
