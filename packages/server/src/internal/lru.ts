/**
 * A least-recently-used cache bounded by the total size of its values, for derived metadata
 * (rendered packuments and the like) — never for artifact content.
 */
export class SizedLru<V> {
  readonly #max: number;
  readonly #entries = new Map<string, { value: V; size: number }>();
  #size = 0;

  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  /** The value under `key` without making it the most recently used. */
  peek(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  set(key: string, value: V, size: number): void {
    if (size > this.#max) return;
    const old = this.#entries.get(key);
    if (old) {
      this.#size -= old.size;
      this.#entries.delete(key);
    }
    this.#entries.set(key, { value, size });
    this.#size += size;
    for (const [k, e] of this.#entries) {
      if (this.#size <= this.#max) break;
      this.#entries.delete(k);
      this.#size -= e.size;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#size = 0;
  }

  get size(): number {
    return this.#size;
  }
}
