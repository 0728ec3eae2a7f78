import type { Output } from './context.ts';
import { formatBytes } from './format.ts';

/**
 * One self-rewriting status line on a terminal's stderr for a batch of transfers. Disabled (every
 * method a no-op) off a terminal and in CI, where logs want no carriage returns.
 */
export class Progress {
  readonly #out: Output;
  readonly #enabled: boolean;
  readonly #label: string;
  readonly #totalFiles: number;
  #totalBytes: number;
  readonly #perFile = new Map<number, number>();
  #bytes = 0;
  #files = 0;
  #lastDraw = 0;

  constructor(
    out: Output,
    opts: { enabled: boolean; label: string; files: number; bytes: number },
  ) {
    this.#out = out;
    this.#enabled = opts.enabled;
    this.#label = opts.label;
    this.#totalFiles = opts.files;
    this.#totalBytes = opts.bytes;
  }

  /** A transfer reports its own running total; unknown totals (-1) are learned as they come. */
  update(index: number, done: number, total: number): void {
    if (!this.#enabled) return;
    const before = this.#perFile.get(index) ?? 0;
    this.#perFile.set(index, done);
    this.#bytes += done - before;
    if (this.#totalBytes < this.#bytes && total > 0) this.#totalBytes = this.#bytes;
    this.#draw(false);
  }

  fileDone(): void {
    if (!this.#enabled) return;
    this.#files++;
    this.#draw(this.#files === this.#totalFiles);
  }

  /** Clears the line so that the summary that follows starts clean. */
  finish(): void {
    if (this.#enabled) this.#out.write('\r\x1b[K');
  }

  #draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const width = 24;
    const ratio = this.#totalBytes > 0 ? Math.min(1, this.#bytes / this.#totalBytes) : 0;
    const filled = Math.round(ratio * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    this.#out.write(
      `\r\x1b[K${this.#label} [${bar}] ${Math.round(ratio * 100)}%  ${this.#files}/${this.#totalFiles} files  ${formatBytes(this.#bytes)} / ${formatBytes(this.#totalBytes)}`,
    );
  }
}

/** Progress bars only on a terminal, never in CI or when the user asked for JSON. */
export function progressEnabled(
  stderr: Output,
  env: Record<string, string | undefined>,
  json: boolean,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return stderr.isTTY === true && !ci && !json && env.TERM !== 'dumb';
}
