/**
 * Puts the `stowage` command on PATH for the job's later steps: a launcher in RUNNER_TEMP that
 * runs the CLI bundled beside this action (dist/stowage.mjs) with the action's own Node, so a
 * `run: stowage …` step needs neither npm nor a Node of the right version on the runner image.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CliLauncher {
  /** The directory added to PATH. */
  dir: string;
  /** The launcher itself (`stowage`, or `stowage.cmd` on Windows). */
  command: string;
}

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes the launchers for `script` (the bundled CLI), run by `node`, into `<temp>/stowage-cli`. */
export async function writeCliLauncher(o: {
  temp: string;
  script: string;
  node: string;
  windows: boolean;
}): Promise<CliLauncher> {
  const dir = join(o.temp, 'stowage-cli');
  await mkdir(dir, { recursive: true });
  const unix = join(dir, 'stowage');
  await writeFile(unix, `#!/bin/sh\nexec ${sh(o.node)} ${sh(o.script)} "$@"\n`);
  await chmod(unix, 0o755);
  const cmd = join(dir, 'stowage.cmd');
  await writeFile(cmd, `@"${o.node}" "${o.script}" %*\r\n`);
  return { dir, command: o.windows ? cmd : unix };
}
