import { HttpError } from '../errors.ts';
import type { RepoConfig } from '../internal/metastore.ts';
import { pypi } from './pypi/index.ts';
import { goFormat } from './go/index.ts';
import type { FormatPlugin } from './plugin.ts';
import { maven } from './maven/index.ts';
import { npm } from './npm/index.ts';
import { docker } from './docker/index.ts';
import { cran } from './cran/index.ts';
import { conda } from './conda/index.ts';
import { helm } from './helm/index.ts';
import { nuget } from './nuget/index.ts';

const generic: FormatPlugin = { type: 'generic' };

/** Every format the server knows. A format adds itself here. */
export const FORMATS: readonly FormatPlugin[] = [
  generic,
  goFormat,
  maven,
  npm,
  docker,
  pypi,
  cran,
  conda,
  helm,
  nuget,
];

export type { DerivedFile, FormatPlugin } from './plugin.ts';

export function formatOf(packageType: string): FormatPlugin | undefined {
  return FORMATS.find((f) => f.type === packageType);
}

/**
 * Refuses a generic `PUT`/`DELETE /{repo}/{path}` on a repository whose format is written only
 * through its own API (a format repository written around its format could replace a released
 * package, or a content-addressed OCI blob, behind its index's back).
 */
export function assertGenericWritable(repo: RepoConfig, method: 'PUT' | 'DELETE'): void {
  const api = formatOf(repo.packageType)?.writeApi;
  if (!api) return;
  throw new HttpError(
    'ERR_REPO_FORMAT_WRITE',
    `${method} /${repo.key}/… is refused: "${repo.key}" is a ${repo.packageType} repository, written only through its format's API`,
    { hint: `use ${api}`, headers: { allow: 'GET, HEAD' } },
  );
}
