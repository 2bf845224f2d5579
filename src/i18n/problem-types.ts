import en from './problem-types.en.json' with { type: 'json' };
import es from './problem-types.es.json' with { type: 'json' };

/**
 * What each problem `type` means and what to do about it, in English and Spanish: the pages its URI answers
 * (`/problems/<type>`). Kept apart from the web app's catalogues, which do not need them. The English keys are the
 * closed set of problem types: a Problem of any other type does not compile.
 */
export const problemTypes = { en, es } as const;

export type ProblemType = keyof typeof en.types;

export const PROBLEM_TYPES = Object.keys(en.types) as ProblemType[];
