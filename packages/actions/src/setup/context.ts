/** The setup action's inputs: exactly the names in setup/action.yml. */
import { SetupInput as I } from '../constants.ts';
import { bool, list, str } from '../inputs.ts';

export interface Inputs {
  url: string;
  token: string;
  /** Exchange the job's GitHub OIDC ID token with this server-side provider instead of a token. */
  'oidc-provider': string;
  /** Audience of the ID token; '' means the server URL. */
  'oidc-audience': string;
  /** '' (use `url`) or 'embedded'. */
  server: string;
  'server-config': string;
  cache: boolean;
  tools: string[];
  repo: string;
  'deploy-repo': string;
  /** Replace the tools' files as a whole (default: update only what Stowage wrote). */
  overwrite: boolean;
  'working-directory': string;
  'build-name': string;
  'build-number': string;
  'collect-env': boolean;
  'collect-git': boolean;
  'auto-publish': boolean;
  /** success, failure or cancelled (the runner's job.status); '' outside the runner. */
  'job-status': string;
}

export function getInputs(): Inputs {
  const server = str(I.server).toLowerCase();
  if (server !== '' && server !== 'embedded') {
    throw new Error(`input server must be "embedded" or empty, got "${server}"`);
  }
  const oidcProvider = str(I.oidcProvider);
  if (oidcProvider && str(I.token)) {
    throw new Error(
      `pass either ${I.token} or ${I.oidcProvider}, not both: with ${I.oidcProvider} the job's OIDC ID token is exchanged for a short-lived token`,
    );
  }
  if (oidcProvider && server === 'embedded') {
    throw new Error(
      `${I.oidcProvider} needs the url of a Stowage server; the embedded server uses its own admin token`,
    );
  }
  return {
    url: str(I.url),
    token: str(I.token),
    'oidc-provider': oidcProvider,
    'oidc-audience': str(I.oidcAudience),
    server,
    'server-config': str(I.serverConfig),
    cache: bool(I.cache, true),
    tools: list(I.tools),
    repo: str(I.repo),
    'deploy-repo': str(I.deployRepo),
    overwrite: bool(I.overwrite, false),
    'working-directory': str(I.workingDirectory),
    'build-name': str(I.buildName),
    'build-number': str(I.buildNumber),
    'collect-env': bool(I.collectEnv, true),
    'collect-git': bool(I.collectGit, true),
    'auto-publish': bool(I.autoPublish, true),
    'job-status': jobStatus(),
  };
}

/** The job's result as the post step sees it (the input's default is `${{ job.status }}`). */
export function jobStatus(): string {
  const s = str(I.jobStatus).toLowerCase();
  return /^(success|failure|cancelled)$/.test(s) ? s : '';
}
