import type { FormatPlugin } from '../plugin.ts';
import { cranRoutes } from './routes.ts';

/** CRAN: R package repositories (PACKAGES indexes, source and binary packages) under `/api/cran/{repo}/`. */
export const cran: FormatPlugin = {
  type: 'cran',
  routes: cranRoutes,
  writeApi: 'PUT /api/cran/{repo}/sources (or /binaries)',
  isMetadata: (path) => /\/PACKAGES(\.gz|\.rds)?$/.test(path),
};
