import { SizedLru } from './lru.ts';

/**
 * What every request reads and almost nothing writes — repository configs, users, groups,
 * permission targets and tokens — kept in memory by a metadata store, so a request does not
 * re-read and re-parse them (a packument GET read five rows for them, a third of its time).
 *
 * Nothing stale decides an answer: the store that owns a cache clears the part it changes in
 * every write method, and `version()` tells about writes by anyone else — other replicas,
 * another process on the same SQLite file, `stowage migrate`. It returns a number that changes
 * whenever such a write may have happened (SQLite's `PRAGMA data_version`; on PostgreSQL a
 * counter bumped by LISTEN/NOTIFY from triggers on those tables), and undefined while the store
 * cannot tell (a PostgreSQL listener connection that is down): then nothing is served from
 * memory at all until it can. It is read once per turn of the event loop (SQLite's pragma costs
 * as much as the lookups it saves): another process's change is seen from the next turn on.
 *
 * Cached values are frozen (a caller changing one would change it for everyone: it throws).
 */
export type CacheTopic = 'repos' | 'security' | 'tokens';

/** The most tokens kept (by hash); unknown hashes are kept too, so a flood of bad ones is bounded. */
const MAX_TOKENS = 10_000;

export class MetaCache {
  readonly #version: () => number | undefined;
  #seen: number | undefined;
  #lastRead: number | undefined;
  #readThisTurn = false;
  /** Bumped by every local write: a load that started before it is not kept. */
  #gen = 0;
  #repos: Map<string, unknown> | undefined;
  readonly #security = new Map<string, readonly unknown[]>();
  readonly #tokens = new SizedLru<{ value: unknown }>(MAX_TOKENS);

  readonly #bypass: () => boolean;

  /**
   * `bypass` tells when a read must go to the store whatever memory holds: inside a
   * cross-process lock (PostgreSQL's withLock), a read-modify-write must see the last write of
   * the previous holder, which may be on another replica whose notification is still on its way.
   */
  constructor(version: () => number | undefined, bypass: () => boolean = () => false) {
    this.#version = version;
    this.#bypass = bypass;
  }

  /** The store's change version, read at most once per turn of the event loop. */
  #read(): number | undefined {
    if (this.#readThisTurn) return this.#lastRead;
    this.#lastRead = this.#version();
    this.#readThisTurn = true;
    setImmediate(() => {
      this.#readThisTurn = false;
    });
    return this.#lastRead;
  }

  /** True when memory may answer; clears everything when another writer may have been at work. */
  #fresh(): boolean {
    if (this.#bypass()) return false;
    const v = this.#read();
    if (v === undefined) {
      this.#clearAll();
      this.#seen = undefined;
      return false;
    }
    if (v !== this.#seen) {
      this.#clearAll();
      this.#seen = v;
    }
    return true;
  }

  #clearAll(): void {
    this.#gen++;
    this.#repos = undefined;
    this.#security.clear();
    this.#tokens.clear();
  }

  /**
   * Whether a value loaded when the generation was `gen` may be kept: no write since, and
   * memory may still answer (#fresh clears, and so bumps the generation, on another's write).
   */
  #keeps(gen: number): boolean {
    return this.#fresh() && gen === this.#gen;
  }

  /**
   * A number that stays the same while what memory holds may still answer, and undefined while
   * nothing may be answered from memory (see `version`): a store keeping a cache of its own
   * (SQLite's artifact records) empties it whenever this changes.
   */
  stamp(): number | undefined {
    return this.#fresh() ? this.#gen : undefined;
  }

  /** A local write changed `topic`: forget it (and any load still running). */
  invalidate(topic: CacheTopic): void {
    this.#gen++;
    if (topic === 'repos') this.#repos = undefined;
    else if (topic === 'security') this.#security.clear();
    else this.#tokens.clear();
  }

  /** Every repository config by key, loaded with `load` (ordered by key) when not in memory. */
  async repos<T extends { key: string }>(load: () => Promise<T[]> | T[]): Promise<Map<string, T>> {
    if (!this.#fresh()) return byKey(await load());
    if (this.#repos) return this.#repos as Map<string, T>;
    const gen = this.#gen;
    const map = byKey((await load()).map(deepFreeze));
    if (this.#keeps(gen)) this.#repos = map;
    return map;
  }

  /** A list of security documents of one kind (users, groups, permission targets). */
  async list<T>(kind: string, load: () => Promise<T[]> | T[]): Promise<T[]> {
    if (!this.#fresh()) return load();
    const have = this.#security.get(kind);
    if (have) return have as T[];
    const gen = this.#gen;
    const list = deepFreeze(await load());
    if (this.#keeps(gen)) this.#security.set(kind, list);
    return list;
  }

  /**
   * A token record by the hash of its secret (undefined: no such token): at once when in memory
   * (every request with a token asks), else as `load` answers it.
   */
  token<T>(
    hash: string,
    load: () => Promise<T | undefined> | T | undefined,
  ): T | undefined | Promise<T | undefined> {
    if (!this.#fresh()) return load();
    const have = this.#tokens.get(hash);
    if (have) return have.value as T | undefined;
    const gen = this.#gen;
    const keep = (value: T | undefined): T | undefined => {
      const frozen = value === undefined ? undefined : deepFreeze(value);
      if (this.#keeps(gen)) this.#tokens.set(hash, { value: frozen }, 1);
      return frozen;
    };
    const got = load();
    return got instanceof Promise ? got.then(keep) : keep(got);
  }
}

function byKey<T extends { key: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((r) => [r.key, r]));
}

/** Freezes `v` and everything it holds (a shared cached value must not change under anyone). */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
