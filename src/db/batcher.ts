/** SQLSTATE 40P01: two statements waited on each other; PostgreSQL aborted one, which may simply run again. */
const isDeadlock = (error: unknown) => (error as { code?: string } | undefined)?.code === '40P01';

/**
 * SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): a value of some row was refused. The
 * statement rolled back whole, so a part of its rows may simply run again without the guilty one.
 */
export const isRowError = (error: unknown) => /^2[23]/.test((error as { code?: string } | undefined)?.code ?? '');

type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Natural batching (group commit): at most `maxInFlight` batches run at once; items submitted meanwhile wait and go
 * together, up to `maxBatch`, in the next one. Under light load an item runs at once and alone, so it never waits for a
 * timer. A batch that PostgreSQL aborts as a deadlock victim runs again. A batch that fails on a row's value is split in
 * halves until the guilty rows stand alone: only their callers see the error, every other row commits. Any other failure
 * (the database away) fails every item of the batch.
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
      this.settle(batch.map((entry) => entry.item))
        .then(
          (results) =>
            batch.forEach((entry, i) => {
              const result = results[i]!;
              if (result.ok) entry.resolve(result.value);
              else entry.reject(result.error);
            }),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async settle(items: I[]): Promise<Settled<O>[]> {
    try {
      return (await this.attempt(items)).map((value) => ({ ok: true, value }));
    } catch (error) {
      if (!isRowError(error)) throw error;
      if (items.length === 1) return [{ ok: false, error }];
      const half = Math.ceil(items.length / 2);
      return [...(await this.settle(items.slice(0, half))), ...(await this.settle(items.slice(half)))];
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
