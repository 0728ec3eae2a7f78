/**
 * Resolver setup: writes a package manager's own configuration so that it resolves through a
 * Stowage (or Artifactory) repository. Each tool has one writer in this folder; the CLI's
 * `stowage setup <tool…>` and the setup action call `setupTool`.
 */
import { StowageError } from '../errors.ts';
import { setupPip } from './pip.ts';
import { setupGradle } from './gradle.ts';
import { setupMaven } from './maven.ts';
import { setupGo } from './go.ts';
import { setupNpm } from './npm.ts';
import { setupR } from './r.ts';
import { setupConda } from './conda.ts';
import { setupHelm } from './helm.ts';
import { setupDocker } from './docker.ts';
import { setupNuget } from './nuget.ts';

export interface SetupOptions {
  /** Server base URL, e.g. http://127.0.0.1:8081. */
  url: string;
  /** Repository to resolve from (usually a virtual one). */
  repo: string;
  /** Repository to publish to, when the tool publishes (default: `repo`). */
  deployRepo?: string;
  /** Written into the tool's own credential store; never echoed back in results. */
  token?: string;
  user?: string;
  /** Project directory (project-level files such as .npmrc go here). */
  dir: string;
  /** Home directory (user-level files such as ~/.m2/settings.xml go here). */
  home: string;
  /** $XDG_RUNTIME_DIR, where podman and skopeo keep `containers/auth.json` (else under home). */
  runtimeDir?: string;
  /** Replace existing files; otherwise a writer leaves a user's file as it was and says so. */
  overwrite?: boolean;
  /** The build whose downloads the server should record (sent as headers where the tool allows). */
  build?: { name: string; number: string };
}

export interface SetupResult {
  tool: string;
  /** Files written or left alone. */
  files: { path: string; action: 'written' | 'kept' }[];
  /** Environment variables the caller should export (e.g. GOPROXY); values hold no secrets unless `secret`. */
  env: { name: string; value: string; secret?: boolean }[];
  /** Lines for a person: what to run next, what was left alone and why. */
  notes: string[];
}

export type SetupWriter = (opts: SetupOptions) => Promise<SetupResult>;

/** Writers by tool name; a format adds its own here. */
export const SETUP_WRITERS: Record<string, SetupWriter> = {
  pip: setupPip,
  gradle: setupGradle,
  maven: setupMaven,
  npm: setupNpm,
  go: setupGo,
  r: setupR,
  conda: setupConda,
  helm: setupHelm,
  docker: setupDocker,
  nuget: setupNuget,
};

export function setupTools(): string[] {
  return Object.keys(SETUP_WRITERS).sort();
}

export async function setupTool(tool: string, opts: SetupOptions): Promise<SetupResult> {
  const writer = SETUP_WRITERS[tool];
  if (!writer) {
    const known = setupTools();
    throw new StowageError(
      'ERR_SETUP_UNKNOWN_TOOL',
      `cannot set up "${tool}": ${known.length ? `known tools are ${known.join(', ')}` : 'no tools are supported yet'}`,
    );
  }
  return writer(opts);
}
