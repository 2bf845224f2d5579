import { expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { stagesFor } from '../src/traces/rules.ts';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { openStream } from './support/receivers.ts';
import { PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 30: the stage list followed a running trace by polling every 2 s, and flickered to "not reached" on completion
// (the trace's new status arrived before its history). Stages are now events on the live stream. A stage takes 1 s here:
// the page's refetch after each event has that long, even on a busy machine, to show the next stage running.
const t = useWorld({ privateDatabase: true, webUi: true, worker: { ADAPTER_LATENCY_MS: '1000' } });
const { people, open, signIn } = useBrowser(t, { investigator: ['investigator', 'Marta Hernández'] });

for (const [locale, c] of [
  ['es-SV', es],
  ['en-US', en],
] as const) {
  it(`${locale}: the stage list follows a running trace from the live stream alone, each stage waiting → running → done, never "not reached"`, async () => {
    const kase = await createCase(t.client, people.investigator.token);
    // TESTOK: the tracing center answers every stage (the run reaches the purchaser).
    const weapon = { ...traceBody(kase.id).weapon, serialNumber: unique('TESTOK-') };
    const trace = (
      await t.client.as(people.investigator.token).post('/traces', traceBody(kase.id, { draft: true, weapon }))
    ).body;
    const { page, context, errors } = await open(locale);
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();
    let reads = 0;
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === `/api/v1/traces/${trace.id}`) reads += 1;
    });
    await page.goto(`${t.client.baseUrl}/traces/${trace.id}`);
    await page.getByTestId('stages').waitFor();
    // Every state each stage shows, as the page draws it.
    await page.evaluate(() => {
      const seen: string[][] = [];
      const record = () =>
        document.querySelectorAll('[data-testid="stages"] li').forEach((li, n) => {
          const state = [...li.classList].find((name) => name.startsWith('stage-'))!;
          if ((seen[n] ??= []).at(-1) !== state) seen[n]!.push(state);
        });
      record();
      new MutationObserver(record).observe(document.querySelector('[data-testid="stages"]')!, {
        subtree: true,
        attributes: true,
        childList: true,
        characterData: true,
      });
      (window as unknown as { seenStages: string[][] }).seenStages = seen;
    });
    const stream = await openStream(t.client.baseUrl, people.investigator.token);
    const readsBefore = reads;
    expect((await t.client.as(people.investigator.token).post(`/traces/${trace.id}/submit`)).status).toBe(200);

    await waitFor(
      async () => stream.messages.some((m) => m.data.data.traceId === trace.id && m.data.data.toStatus === 'completed'),
      'the trace completed',
    );
    const stages = stagesFor(trace.weapon);
    await expect.poll(() => page.locator('[data-testid="stages"] .stage-done').count()).toBe(stages.length);
    const seen = await page.evaluate(() => (window as unknown as { seenStages: string[][] }).seenStages);
    // Each stage was seen running: the page followed the run stage by stage, not only its end.
    expect(seen).toEqual(stages.map(() => ['stage-waiting', 'stage-running', 'stage-done']));
    // It read the trace only when the stream said it changed (no timer): at most once per message about it.
    const messages = stream.messages.filter((m) => m.data.data.traceId === trace.id).length;
    expect(messages).toBe(3 + stages.length);
    expect(reads - readsBefore).toBeLessThanOrEqual(messages);
    // The result's time to crime reads as a person says it, in the page's language, with its band (issue 30).
    const days = (await t.client.as(people.investigator.token).get(`/traces/${trace.id}`)).body.result
      .timeToCrimeDays as number;
    const ttc = await page.getByTestId('time-to-crime').innerText();
    expect(ttc).toContain(
      c.result.ttcBands[days < 365 ? 'underOneYear' : days < 1095 ? 'oneToThreeYears' : 'overThreeYears'],
    );
    if (days >= 31) expect(ttc).toMatch(locale === 'en-US' ? /\d+ (years?|months?)\b/ : /\d+ (años?|mes(es)?)\b/);
    expect(errors).toEqual([]);
    await stream.close();
    await context.close();
  });
}
