import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'rastreo.language';

/** Each language's words, fetched when first needed: a person downloads one catalogue, not both (the field budget). */
const CATALOGUES: Record<Language, () => Promise<object>> = {
  es: () => import('../../i18n/es.ts').then((module) => module.es),
  en: () => import('../../i18n/en.ts').then((module) => module.en),
};

/** The saved choice, else the browser's first Spanish or English preference, else Spanish (the users' language). */
function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'es' || saved === 'en') return saved;
  const preferred = navigator.languages.map((tag) => tag.slice(0, 2)).find((tag) => tag === 'es' || tag === 'en');
  return (preferred as Language | undefined) ?? 'es';
}

async function load(language: Language) {
  if (!i18n.hasResourceBundle(language, 'translation'))
    i18n.addResourceBundle(language, 'translation', await CATALOGUES[language]());
}

export async function setLanguage(language: Language) {
  localStorage.setItem(STORAGE_KEY, language);
  await load(language);
  await i18n.changeLanguage(language);
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

const first = initialLanguage();
void i18n.use(initReactI18next).init({
  resources: {},
  partialBundledLanguages: true,
  lng: first,
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = first;

/** Settled once the first language's words are here: the app renders after it. */
export const i18nReady = load(first).then(() => i18n.changeLanguage(first));

export default i18n;
