/** The publish action's inputs: exactly the names in publish/action.yml. */
import { PublishInput as I } from '../constants.ts';
import { bool, buildRef, connection, lines, list, props, runner, str } from '../inputs.ts';

export interface Inputs {
  url: string;
  token: string;
  'build-name': string;
  'build-number': string;
  /** Glob patterns, one per line. */
  files: string[];
  /** `repo/path/` (a folder) or `repo/path/file` (one file). */
  target: string;
  props: Record<string, string[]>;
  flat: boolean;
  module: string;
  /** Package managers whose resolved dependencies to record. */
  deps: string[];
  'working-directory': string;
  env: boolean;
  'env-exclude': string[];
  git: boolean;
  'dry-run': boolean;
}

export function getInputs(): Inputs {
  const r = runner();
  const conn = connection(I.url, I.token);
  const build = buildRef(I.buildName, I.buildNumber, r);
  const files = lines(I.files);
  const target = str(I.target);
  if (files.length && !target) throw new Error('input target (repo/path/) is required with files');
  return {
    url: conn.url,
    token: conn.token,
    'build-name': build.buildName,
    'build-number': build.buildNumber,
    files,
    target,
    props: props(I.props),
    flat: bool(I.flat, true),
    module: str(I.module),
    deps: list(I.deps),
    'working-directory': str(I.workingDirectory),
    env: bool(I.env, true),
    'env-exclude': list(I.envExclude),
    git: bool(I.git, true),
    'dry-run': bool(I.dryRun, false),
  };
}
