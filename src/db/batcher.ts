/** SQLSTATE 40P01: two statements waited on each other; PostgreSQL aborted one, which may simply run again. */
const isDeadlock = (error: unknown) => (error as { code?: string } | undefined)?.code === '40P01';

/**
 * Natural batching (group commit): at most `maxInFlight` batches run at once; items submitted meanwhile wait and go
 * together, up to `maxBatch`, in the next one. Under light load an item runs at once and alone, so it never waits for a
 * timer. A batch that PostgreSQL aborts as a deadlock victim runs again; any other failure fails every item of it.
 */
export class Batcher<I, O> {
  private readonly waiting: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.attempt(batch.map((entry) => entry.item))
        .then((results) => batch.forEach((entry, i) => entry.resolve(results[i]!)), (error: unknown) => batch.forEach((entry) => entry.reject(error)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async attempt(items: I[], tries = 3): Promise<O[]> {
    try {
      return await this.run(items);
    } catch (error) {
      if (tries > 1 && isDeadlock(error)) return this.attempt(items, tries - 1);
      throw error;
    }
  }
}
