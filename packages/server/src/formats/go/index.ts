/** The Go modules format: a GOPROXY under `/api/go/{repo}/` (see routes.ts). */
import type { FormatPlugin } from '../plugin.ts';
import { goPackageOf, goRoutes } from './routes.ts';

export const goFormat: FormatPlugin = {
  type: 'go',
  routes: goRoutes,
  writeApi: 'PUT /api/go/{repo}/{module}/@v/{version}.zip',
  packageOf: goPackageOf,
  isMetadata: (path) => path.endsWith('/@v/list') || path.endsWith('/@latest'),
};
