/**
 * What is asked for in one turn of the event loop, handed over together (group commit): the
 * first `add` of a turn schedules `run` for the next one (setImmediate), and `max` items are
 * handed over at once. The metadata store's deploys, the blob pack's puts and the download
 * records are written this way, each caller still waiting for its own item.
 */
export class TurnBatch<T> {
  #items: T[] = [];
  #scheduled = false;
  readonly #max: number;
  readonly #run: (items: T[]) => void;

  constructor(max: number, run: (items: T[]) => void) {
    this.#max = max;
    this.#run = run;
  }

  add(item: T): void {
    this.#items.push(item);
    if (this.#items.length >= this.#max) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Hands over what was added so far, now (on close: nothing asked for is lost). */
  flush(): void {
    this.#scheduled = false;
    const items = this.#items;
    if (items.length === 0) return;
    this.#items = [];
    this.#run(items);
  }
}
