/**
 * Runs `work` one pass at a time: a call while a pass runs asks for one more pass after it, so a wake-up that arrives
 * mid-pass is never lost and passes never overlap (relays draining an outbox).
 */
export function singleFlight(work: () => Promise<void>, onError: (error: unknown) => void) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again);
    })()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  return { run, settled: () => running ?? Promise.resolve() };
}
