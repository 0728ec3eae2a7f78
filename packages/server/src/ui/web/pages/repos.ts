/** Repositories, their folders, and one file's details (checksums and properties). */
import { calls, type FileInfo, type FolderList } from '../api.ts';
import { code, facts, h, table, type Child } from '../dom.ts';
import { bytes, when } from '../format.ts';
import { links } from '../links.ts';
import type { Page } from '../page.ts';

export async function reposPage(): Promise<Page> {
  const repos = await calls.repos();
  repos.sort((a, b) => a.key.localeCompare(b.key));
  return {
    title: 'Repositories',
    content: [
      h('h1', { tabindex: '-1' }, 'Repositories'),
      repos.length === 0
        ? h('p', null, 'There are no repositories.')
        : table(
            `${repos.length} repositories`,
            ['Repository', 'Class', 'Format', 'Description'],
            repos.map((r) => [
              h('a', { href: links.repo(r.key) }, r.key),
              r.type.toLowerCase(),
              r.packageType.toLowerCase(),
              r.description ?? '',
            ]),
          ),
    ],
  };
}

function breadcrumbs(repo: string, path: string): HTMLElement {
  const parts = path.split('/').filter(Boolean);
  const items: Child[] = [
    h('li', null, h('a', { href: links.repos() }, 'Repositories')),
    h(
      'li',
      null,
      parts.length
        ? h('a', { href: links.repo(repo) }, repo)
        : h('span', { 'aria-current': 'page' }, repo),
    ),
  ];
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    items.push(
      h(
        'li',
        null,
        last
          ? h('span', { 'aria-current': 'page' }, p)
          : h('a', { href: links.repo(repo, parts.slice(0, i + 1).join('/')) }, p),
      ),
    );
  });
  return h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('ol', null, items));
}

/** `/ui/repos/{repo}/{path…}`: a folder listing, or a file's details. */
export async function repoPage(params: string[]): Promise<Page> {
  const [repo = '', ...rest] = params;
  const path = rest.join('/');
  const info = await calls.storage<Partial<FileInfo> & { children?: unknown }>(repo, path);
  if (info.checksums) return filePage(repo, path, info as FileInfo);

  const list = await calls.storage<FolderList>(repo, path, '?list&deep=0&listFolders=1');
  const entries = list.files
    .map((f) => ({ ...f, name: f.uri.replace(/^\//, '') }))
    .sort((a, b) => Number(b.folder) - Number(a.folder) || a.name.localeCompare(b.name));
  const title = path ? `${repo}/${path}` : repo;
  return {
    title,
    content: [
      breadcrumbs(repo, path),
      h('h1', { tabindex: '-1' }, title),
      entries.length === 0
        ? h('p', null, 'This folder is empty.')
        : table(
            `${entries.length} entries`,
            ['Name', 'Size', 'Last modified'],
            entries.map((e) => [
              h(
                'a',
                { href: links.repo(repo, path ? `${path}/${e.name}` : e.name) },
                e.folder ? `${e.name}/` : e.name,
              ),
              e.folder ? 'folder' : bytes(e.size),
              e.folder ? '' : when(e.lastModified),
            ]),
            'listing',
          ),
    ],
  };
}

async function filePage(repo: string, path: string, info: FileInfo): Promise<Page> {
  const props = (
    await calls.storage<{ properties: Record<string, string[]> }>(repo, path, '?properties')
  ).properties;
  const buildName = props['build.name']?.[0];
  const buildNumber = props['build.number']?.[0];
  const name = path.split('/').pop() ?? path;
  const keys = Object.keys(props).sort();
  return {
    title: `${name} — ${repo}`,
    content: [
      breadcrumbs(repo, path),
      h('h1', { tabindex: '-1' }, name),
      facts([
        ['Repository', h('a', { href: links.repo(repo) }, repo)],
        ['Path', code(info.path.replace(/^\//, ''))],
        ['Size', `${bytes(Number(info.size))} (${Number(info.size).toLocaleString('en')} bytes)`],
        ['Type', info.mimeType],
        ['Created', `${when(info.created)}${info.createdBy ? ` by ${info.createdBy}` : ''}`],
        [
          'Last modified',
          `${when(info.lastModified)}${info.modifiedBy ? ` by ${info.modifiedBy}` : ''}`,
        ],
        [
          'Build',
          buildName && buildNumber
            ? h('a', { href: links.build(buildName, buildNumber) }, `${buildName} #${buildNumber}`)
            : '',
        ],
        [
          'Download',
          [
            h('a', { href: info.downloadUri, download: name }, 'Download the file'),
            h(
              'span',
              { class: 'hint' },
              ' (when reads need a token, the browser asks for one: any user name, the token as password)',
            ),
          ],
        ],
      ]),
      h('h2', null, 'Checksums'),
      table(
        'Checksums',
        ['Algorithm', 'Value'],
        (
          [
            ['SHA-256', info.checksums.sha256],
            ['SHA-1', info.checksums.sha1],
            ['MD5', info.checksums.md5],
          ] as [string, string | undefined][]
        )
          .filter(([, v]) => v)
          .map(([k, v]) => [k, code(v ?? '', 'sum')]),
        'checksums',
      ),
      h('h2', null, 'Properties'),
      keys.length === 0
        ? h('p', null, 'This file has no properties.')
        : table(
            `${keys.length} properties`,
            ['Name', 'Values'],
            keys.map((k) => [code(k), (props[k] ?? []).join(', ')]),
          ),
    ],
  };
}
