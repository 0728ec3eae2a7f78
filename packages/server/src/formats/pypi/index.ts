import type { FormatPlugin } from '../plugin.ts';
import { pypiRoutes } from './routes.ts';

/** PyPI: the simple index, downloads and twine uploads under `/api/pypi/{repo}/`. */
export const pypi: FormatPlugin = {
  type: 'pypi',
  routes: pypiRoutes,
  writeApi: 'twine upload to /api/pypi/{repo}/',
  packageOf: (path) => (path.startsWith('.') ? undefined : path.split('/')[0]),
};
