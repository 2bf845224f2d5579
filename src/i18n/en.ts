import catalogue from './en.json' with { type: 'json' };

/** English. Its keys are the source of truth: the Spanish catalogue must have exactly these (tests/i18n-catalogues). */
export const en = catalogue;
