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
