import type { FormatPlugin } from '../plugin.ts';
import { INDEX, helmRoutes } from './routes.ts';

/** Helm: chart repositories (index.yaml and chart archives, ChartMuseum's push API) under `/api/helm/{repo}/`. */
export const helm: FormatPlugin = {
  type: 'helm',
  routes: helmRoutes,
  writeApi:
    "helm push or ChartMuseum's API: POST /api/helm/{repo}/api/charts, DELETE /api/helm/{repo}/api/charts/{name}/{version}",
  isMetadata: (path) => path === INDEX,
};
