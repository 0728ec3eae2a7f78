/** Typed state handed from setup's main step to its post step. Never holds a token. */
import * as core from '@actions/core';
import { SetupState } from './constants.ts';

export interface EmbeddedState {
  pid: number;
  dataDir: string;
  logFile: string;
  /** Cache key to save under; empty when caching is off or unavailable. */
  cacheKey: string;
  /** The key that was restored, if any (saving under it again is pointless). */
  restoredKey: string;
}

export interface SetupStateValues {
  buildName: string;
  buildNumber: string;
  storeDir: string;
  autoPublish: boolean;
  embedded?: EmbeddedState;
}

export function saveSetupState(s: SetupStateValues): void {
  core.saveState(SetupState.buildName, s.buildName);
  core.saveState(SetupState.buildNumber, s.buildNumber);
  core.saveState(SetupState.storeDir, s.storeDir);
  core.saveState(SetupState.autoPublish, String(s.autoPublish));
  if (s.embedded) core.saveState(SetupState.embedded, JSON.stringify(s.embedded));
}

export function loadSetupState(): SetupStateValues {
  const out: SetupStateValues = {
    buildName: core.getState(SetupState.buildName),
    buildNumber: core.getState(SetupState.buildNumber),
    storeDir: core.getState(SetupState.storeDir),
    autoPublish: core.getState(SetupState.autoPublish) !== 'false',
  };
  const embedded = core.getState(SetupState.embedded);
  if (embedded) out.embedded = JSON.parse(embedded) as EmbeddedState;
  return out;
}

/** Recorded by the post step (visible in debug logs): whether it published, and why. */
export function savePublished(what: string): void {
  core.saveState(SetupState.published, what);
}
