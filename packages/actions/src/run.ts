/**
 * The one wrapper every entry point goes through: runs `main` (or, on the post step, `post`) and
 * turns anything thrown into `core.setFailed`, with the hint of a StowageError appended.
 */
import * as core from '@actions/core';
import { isStowageError } from '@stowage/core';
import { SetupState } from './constants.ts';

export type Step = () => Promise<void>;

export function describeError(err: unknown): string {
  if (isStowageError(err)) {
    const hint = err.hint && !err.message.includes(err.hint) ? ` (${err.hint})` : '';
    return `${err.message}${hint}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export async function run(main: Step, post?: Step): Promise<void> {
  const isPost = core.getState(SetupState.isPost) === 'true';
  try {
    if (isPost) {
      if (post) await post();
      return;
    }
    if (post) core.saveState(SetupState.isPost, 'true');
    await main();
  } catch (err) {
    if (err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(describeError(err));
  }
}
