/**
 * The scenario's own clock. Every API call moves it on by a second (CloudTrail's
 * precision), so each record has its own time and the story reads the same on every run;
 * the handlers and the sweep run on it too.
 */
export class SimClock {
  private ms: number;

  constructor(start: string) {
    this.ms = Date.parse(start);
    if (Number.isNaN(this.ms)) throw new Error(`scenario start ${start} is not a time`);
  }

  now(): string {
    return new Date(this.ms).toISOString().replace('.000Z', 'Z');
  }

  /** Moves on and answers the new time. */
  tick(seconds = 1): string {
    this.ms += seconds * 1000;
    return this.now();
  }

  /** hh:mm:ss, for the story's lines. */
  short(): string {
    return this.now().slice(11, 19);
  }
}
