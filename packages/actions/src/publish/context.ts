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
  /** `stowage docker push` arguments: [source, destination] per line. */
  'docker-images': [string, string][];
  /** `stowage helm push` arguments: [chart, repository] per line. */
  'helm-charts': [string, string][];
  /** `stowage go publish` arguments: [directory, version, repository] per line. */
  'go-modules': [string, string, string][];
  'dry-run': boolean;
}

/** One line per item, each exactly `n` whitespace-separated words. */
function tuples<N extends number>(name: string, n: N, example: string): string[][] {
  return lines(name).map((line, i) => {
    const words = line.trim().split(/\s+/);
    if (words.length !== n) {
      throw new Error(
        `input ${name}, line ${i + 1} ("${line}"): expected ${n} words, e.g. "${example}"`,
      );
    }
    return words;
  });
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
    'docker-images': tuples(I.dockerImages, 2, 'docker-daemon:etl:42 docker-local/etl:42') as [
      string,
      string,
    ][],
    'helm-charts': tuples(I.helmCharts, 2, './chart helm-local') as [string, string][],
    'go-modules': tuples(I.goModules, 3, './greeter v1.2.0 go-local') as [string, string, string][],
    'dry-run': bool(I.dryRun, false),
  };
}
