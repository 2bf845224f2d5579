import type { en } from '../../i18n/en.ts';

// Every t('…') key is checked against the English dictionary at compile time.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}
