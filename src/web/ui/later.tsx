import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Loading } from './notice.tsx';

/**
 * A component whose code is fetched when it is first shown (the service worker keeps it for offline use): what the
 * sign-in page and the home do not need stays out of the first load (it has a budget: tests/web-field.test.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any props: the loaded component keeps its own type
export const later = <K extends string, C extends ComponentType<any>>(load: () => Promise<Record<K, C>>, name: K) =>
  lazy<C>(() => load().then((module) => ({ default: module[name] as C })));

export const Later = ({ children }: { children: ReactNode }) => <Suspense fallback={<Loading />}>{children}</Suspense>;
