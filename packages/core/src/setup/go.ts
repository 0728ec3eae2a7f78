/**
 * `go`: points the go command at a Stowage Go repository through environment variables only
 * (no ~/.netrc, no files): GOPROXY=<url>/api/go/<repo>, with the credentials inside the URL
 * (then the value is marked secret) and the build as matrix parameters so the server records
 * the downloads for it. Checksum-database settings follow the options: GONOSUMDB for private
 * module patterns, or GOSUMDB=off.
 */
import type { SetupOptions, SetupResult } from './index.ts';
import { formatUrl } from './files.ts';

export interface GoSetupOptions extends SetupOptions {
  /** Module path patterns not checked against the checksum database (GONOSUMDB), e.g. example.com/*. */
  privateModules?: string[];
  /** Turn the checksum database off (GOSUMDB=off), e.g. for a fully private module graph. */
  sumdbOff?: boolean;
}

/** The GOPROXY URL for a repository (credentials and build included when given). */
export function goProxyUrl(opts: SetupOptions): { value: string; secret: boolean } {
  return formatUrl(opts, 'go');
}

export async function setupGo(opts: GoSetupOptions): Promise<SetupResult> {
  const proxy = goProxyUrl(opts);
  const env: SetupResult['env'] = [
    { name: 'GOPROXY', value: proxy.value, ...(proxy.secret ? { secret: true } : {}) },
  ];
  const notes: string[] = [
    `go resolves every module through ${opts.repo} (GOPROXY, no fallback to direct)`,
  ];
  if (opts.sumdbOff) {
    env.push({ name: 'GOSUMDB', value: 'off' });
    notes.push('checksum database off (GOSUMDB=off): go.sum alone guards module contents');
  } else if (opts.privateModules?.length) {
    env.push({ name: 'GONOSUMDB', value: opts.privateModules.join(',') });
    notes.push(`modules matching ${opts.privateModules.join(',')} skip the checksum database`);
  } else {
    notes.push(
      'modules published only to Stowage are unknown to sum.golang.org: list them in GONOSUMDB (or set GOSUMDB=off)',
    );
  }
  if (proxy.secret) notes.push('GOPROXY holds the token: export it as a secret, never echo it');
  if (proxy.secret && new URL(opts.url).protocol === 'http:') {
    notes.push('the go command refuses credentials over http://: use https, or anonymous read');
  }
  return { tool: 'go', files: [], env, notes };
}
