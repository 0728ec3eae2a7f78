import type { FormatPlugin } from '../plugin.ts';
import { condaRoutes } from './routes.ts';

/** Conda: channels (`{subdir}/repodata.json`, `.conda` packages) under `/api/conda/{repo}/`. */
export const conda: FormatPlugin = {
  type: 'conda',
  routes: condaRoutes,
  writeApi: 'PUT /api/conda/{repo}/{subdir}/{file}',
  isMetadata: (path) =>
    /(^|\/)(current_)?repodata\.json(\.zst|\.bz2)?$|channeldata\.json$/.test(path),
};
