import type { FormatPlugin } from '../plugin.ts';
import { packageOfPath } from './packument.ts';
import { npmRoutes } from './routes.ts';

/** npm: the registry protocol under `/api/npm/{repo}/`, packuments and tarballs stored as artifacts. */
export const npm: FormatPlugin = {
  type: 'npm',
  routes: npmRoutes,
  writeApi: 'npm publish / npm unpublish against /api/npm/{repo}/',
  isMetadata: (path) => path.endsWith('/package.json'),
  packageOf: packageOfPath,
};
