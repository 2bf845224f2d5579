import { mkdir, writeFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { en } from '../../src/i18n/en.ts';
import { es } from '../../src/i18n/es.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/screenshots';

/** Debian's Chromium, headless; without the background-networking flags it keeps dialing Google on a closed network. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Fails the page on any uncaught error or console error (a CSP violation shows up there too). */
export function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refused request is also logged by Chromium as a console error: the tests provoke 401s and 409s on purpose.
    if (message.type() === 'error' && !/status of (401|409)/.test(message.text())) errors.push(message.text());
  });
  return errors;
}

type Tree = { [key: string]: string | Tree };
const leaves = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : leaves(value, `${prefix}${key}.`),
  );
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const asWord = (text: string) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(text)}([^\\p{L}]|$)`, 'u');

const spanish = new Map(leaves(es as Tree));
const spanishTexts = [...spanish.values()];
/** Every English UI text (split at its placeholders) that Spanish does not share, as whole words. */
const ENGLISH = leaves(en as Tree)
  .filter(([key, value]) => spanish.get(key) !== value)
  .flatMap(([, value]) => value.split(/\{\{\w+\}\}/))
  .map((fragment) => fragment.trim().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''))
  .filter((fragment) => fragment.length >= 4 && !spanishTexts.some((text) => asWord(fragment).test(text)));

/** The English UI strings, and raw enum values (`pending_review`), visible in a page's text. */
export function englishIn(text: string): string[] {
  const found = [...new Set(ENGLISH.filter((fragment) => asWord(fragment).test(text)))];
  return [...found, ...(text.match(/\b[a-z]+_[a-z_]+\b/g) ?? [])];
}

/** The page's last API answers (method, path, status), for a failing test's report. */
export function watchRequests(page: Page) {
  const answers: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/'))
      answers.push(
        `${new Date().toISOString()} ${response.request().method()} ${url.pathname}${url.search} → ${response.status()}`,
      );
    if (answers.length > 40) answers.shift();
  });
  return answers;
}

/** Saves what a failing browser test saw: a screenshot, the visible text and the last API answers. */
export async function diagnose(page: Page, testName: string, answers: string[], failures: string[] = []) {
  const name = `failed-${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  const text = await page.evaluate(() => document.body.innerText);
  await writeFile(
    `${SCREENSHOTS}/${name}.txt`,
    `${page.url()}\n\n--- failure\n${failures.join('\n')}\n\n${text}\n\n--- last API answers\n${answers.join('\n')}\n`,
  );
  console.error(
    `browser test failed: see ${SCREENSHOTS}/${name}.png and .txt\n${page.url()}\n${answers.slice(-8).join('\n')}`,
  );
}
