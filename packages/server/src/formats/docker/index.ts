/** Docker/OCI images: the OCI distribution API under `/v2/{repo}/{image}/` (see routes.ts). */
import type { FormatPlugin } from '../plugin.ts';
import { dockerPackageOf, dockerRoutes } from './routes.ts';

export const docker: FormatPlugin = {
  type: 'docker',
  routes: dockerRoutes,
  writeApi: 'the OCI distribution API under /v2/{repo}/{image}/ (docker push, skopeo, oras)',
  packageOf: dockerPackageOf,
  isMetadata: (path) => /\/_tags\/[^/]+$/.test(path) || path.endsWith('/_taglist.json'),
};
