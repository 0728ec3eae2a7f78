/** The UI's own URLs (history routing under /ui/); names and numbers are single segments. */
import { repoPath, seg } from './api.ts';

export const links = {
  builds: (): string => '/ui/builds',
  buildName: (name: string): string => `/ui/builds/${seg(name)}`,
  build: (name: string, number: string): string => `/ui/builds/${seg(name)}/${seg(number)}`,
  diff: (name: string, number: string, other: string): string =>
    `/ui/builds/${seg(name)}/${seg(number)}/diff/${seg(other)}`,
  charts: (name: string): string => `/ui/builds/${seg(name)}/charts`,
  repos: (): string => '/ui/repos',
  repo: (repo: string, path = ''): string =>
    `/ui/repos/${seg(repo)}${path ? `/${repoPath(path)}` : ''}`,
};
