import type { FormatPlugin } from '../plugin.ts';
import { packageOf } from './repos.ts';
import { nugetRoutes } from './routes.ts';

/** NuGet: v3 feeds under `/api/nuget/v3/{repo}/` and v2 OData feeds under `/api/nuget/{repo}/`. */
export const nuget: FormatPlugin = {
  type: 'nuget',
  routes: nugetRoutes,
  writeApi: 'dotnet nuget push / delete against /api/nuget/{repo}/',
  isMetadata: (path) => path.startsWith('.nuget/') || /^[^/]+\/index\.json$/.test(path),
  packageOf,
};
