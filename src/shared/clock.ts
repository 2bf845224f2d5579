export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const isoDate = (date: Date) => date.toISOString().slice(0, 10);
