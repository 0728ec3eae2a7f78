/**
 * Every route family × every kind of principal: 401 without credentials (with a challenge),
 * 403 naming the missing permission with insufficient ones, and through otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { AUTH, buildInfo, deploy, makeApp, type TestApp } from './helpers.ts';

const CONFIG = {
  repositories: [
    { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
    { key: 'generic-qa', rclass: 'local', packageType: 'generic' },
    { key: 'generic-release', rclass: 'local', packageType: 'generic' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    { key: 'docker-local', rclass: 'local', packageType: 'docker' },
    { key: 'pypi-local', rclass: 'local', packageType: 'pypi' },
    { key: 'go-local', rclass: 'local', packageType: 'go' },
    { key: 'helm-local', rclass: 'local', packageType: 'helm' },
    { key: 'nuget-local', rclass: 'local', packageType: 'nuget' },
    { key: 'conda-local', rclass: 'local', packageType: 'conda' },
    { key: 'cran-local', rclass: 'local', packageType: 'cran' },
    {
      key: 'generic-all',
      rclass: 'virtual',
      packageType: 'generic',
      repositories: ['generic-staging', 'generic-release'],
    },
  ],
  users: [
    { name: 'dev', groups: ['developers'] },
    { name: 'ci', groups: ['ci'] },
    { name: 'qa-lead', groups: ['developers', 'qa'] },
    { name: 'rm', groups: ['developers', 'release-managers'] },
  ],
  groups: [{ name: 'developers' }, { name: 'ci' }, { name: 'qa' }, { name: 'release-managers' }],
  permissions: [
    {
      name: 'developers-read',
      repo: { repositories: ['*'], actions: { groups: { developers: ['read'] } } },
      build: { names: ['*'], actions: { groups: { developers: ['read'] } } },
    },
    {
      name: 'ci-deploy',
      repo: {
        repositories: ['generic-staging', '*-local'],
        actions: { groups: { ci: ['deploy'] } },
      },
      build: { names: ['nightly'], actions: { groups: { ci: ['publish'] } } },
    },
    { name: 'qa', build: { names: ['*'], actions: { groups: { qa: ['promote:qa'] } } } },
    {
      name: 'release',
      build: { names: ['*'], actions: { groups: { 'release-managers': ['promote:release'] } } },
    },
  ],
};

/**
 * What each kind of principal holds, in the matrix's words (admin holds everything): `read` on
 * generic-staging and the *-local repositories, `read-all` also on the virtual generic-all,
 * `build-read` on the build nightly, `downloads` only its own build's download record.
 */
const HOLDS: Record<string, string[]> = {
  anonymous: [],
  reader: ['read', 'read-all', 'build-read'],
  deployer: ['read', 'deploy', 'build-read', 'publish'],
  build: ['read', 'read-all', 'downloads'],
  qa: ['read', 'read-all', 'build-read', 'promote-qa'],
  release: ['read', 'read-all', 'build-read', 'promote-release'],
  admin: [],
};
const PRINCIPALS = Object.keys(HOLDS);

const json = (method: InjectOptions['method'], url: string, body: unknown): InjectOptions => ({
  method,
  url,
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});
/** A real promotion (copy: a second one answers 409, still not a refusal), or its dry run. */
const promote = (stage: string, repo: string, dryRun = false): InjectOptions =>
  json('POST', '/api/build/promote/nightly/1', {
    status: stage,
    targetRepo: repo,
    copy: true,
    dryRun,
  });

/** One request per route family; `needs` is what a principal must hold, `says` the 403's words. */
const ROWS: { family: string; req: InjectOptions; needs: string; says?: string }[] = [
  { family: 'ping', req: { url: '/api/system/ping' }, needs: 'public' },
  {
    family: 'generic download',
    req: { url: '/generic-staging/lib/a.txt' },
    needs: 'read',
    says: '"read" on repository "generic-staging"',
  },
  {
    family: 'virtual download',
    req: { url: '/generic-all/lib/a.txt' },
    needs: 'read-all',
    says: '"read" on repository "generic-all"',
  },
  {
    family: 'storage info',
    req: { url: '/api/storage/generic-staging/lib/a.txt' },
    needs: 'read',
    says: '"read" on repository "generic-staging"',
  },
  {
    family: 'repository config',
    req: { url: '/api/repositories/generic-staging' },
    needs: 'read',
    says: '"read" on repository "generic-staging"',
  },
  {
    family: 'generic deploy',
    req: { method: 'PUT', url: '/generic-staging/new.txt', payload: 'x' },
    needs: 'deploy',
    says: '"deploy" on repository "generic-staging"',
  },
  {
    family: 'deploy to release',
    req: { method: 'PUT', url: '/generic-release/new.txt', payload: 'x' },
    needs: 'admin',
    says: '"deploy" on repository "generic-release"',
  },
  {
    family: 'properties',
    req: { method: 'PUT', url: '/api/storage/generic-staging/lib/a.txt?properties=q=1' },
    needs: 'deploy',
    says: '"annotate" on repository "generic-staging"',
  },
  {
    family: 'npm packument',
    req: { url: '/api/npm/npm-local/left-pad' },
    needs: 'read',
    says: '"read" on repository "npm-local"',
  },
  {
    family: 'npm publish',
    req: json('PUT', '/api/npm/npm-local/left-pad', { name: 'left-pad' }),
    needs: 'deploy',
    says: '"deploy" on repository "npm-local"',
  },
  {
    family: 'npm unpublish',
    req: { method: 'DELETE', url: '/api/npm/npm-local/left-pad/-rev/1' },
    needs: 'admin',
    says: '"delete" on repository "npm-local"',
  },
  {
    family: 'docker tags',
    req: { url: '/v2/docker-local/app/tags/list' },
    needs: 'read',
    says: '"read" on repository "docker-local"',
  },
  {
    family: 'docker push',
    req: { method: 'POST', url: '/v2/docker-local/app/blobs/uploads/' },
    needs: 'deploy',
    says: '"deploy" on repository "docker-local"',
  },
  {
    family: 'docker delete',
    req: { method: 'DELETE', url: `/v2/docker-local/app/manifests/sha256:${'0'.repeat(64)}` },
    needs: 'admin',
    says: '"delete" on repository "docker-local"',
  },
  {
    family: 'pypi simple',
    req: { url: '/api/pypi/pypi-local/simple/' },
    needs: 'read',
    says: '"read" on repository "pypi-local"',
  },
  {
    family: 'pypi upload',
    req: { method: 'POST', url: '/api/pypi/pypi-local/', payload: '' },
    needs: 'deploy',
    says: '"deploy" on repository "pypi-local"',
  },
  {
    family: 'go list',
    req: { url: '/api/go/go-local/example.com/m/@v/list' },
    needs: 'read',
    says: '"read" on repository "go-local"',
  },
  {
    family: 'helm index',
    req: { url: '/api/helm/helm-local/index.yaml' },
    needs: 'read',
    says: '"read" on repository "helm-local"',
  },
  {
    family: 'nuget index',
    req: { url: '/api/nuget/v3/nuget-local/index.json' },
    needs: 'read',
    says: '"read" on repository "nuget-local"',
  },
  {
    family: 'conda index',
    req: { url: '/api/conda/conda-local/noarch/repodata.json' },
    needs: 'read',
    says: '"read" on repository "conda-local"',
  },
  {
    family: 'cran index',
    req: { url: '/api/cran/cran-local/src/contrib/PACKAGES' },
    needs: 'read',
    says: '"read" on repository "cran-local"',
  },
  {
    family: 'build-info read',
    req: { url: '/api/build/nightly/1' },
    needs: 'build-read',
    says: '"read" on build "nightly"',
  },
  {
    family: 'build publish',
    req: json('PUT', '/api/build', buildInfo('nightly', '2', [])),
    needs: 'publish',
    says: '"publish" on build "nightly"',
  },
  {
    family: 'other build publish',
    req: json('PUT', '/api/build', buildInfo('weekly', '1', [])),
    needs: 'admin',
    says: '"publish" on build "weekly"',
  },
  {
    family: 'build retention',
    req: json('POST', '/api/build/retention/nightly', { count: 100 }),
    needs: 'admin',
    says: '"delete" on build "nightly"',
  },
  {
    family: 'build delete',
    req: { method: 'DELETE', url: '/api/build/old?buildNumbers=1' },
    needs: 'admin',
    says: '"delete" on build "old"',
  },
  {
    // A dry run changes nothing: a reader of the build may preview any promotion.
    family: 'promotion preview (dry run)',
    req: promote('release', 'generic-release', true),
    needs: 'build-read',
    says: '"read" on build "nightly"',
  },
  {
    family: 'promote to qa',
    req: promote('qa', 'generic-qa'),
    needs: 'promote-qa',
    says: '"promote:qa" on build "nightly"',
  },
  {
    family: 'promote to release',
    req: promote('release', 'generic-release'),
    needs: 'promote-release',
    says: '"promote:release" on build "nightly"',
  },
  {
    family: 'download record',
    req: { url: '/api/stowage/v1/builds/nightly/1/downloads' },
    needs: 'downloads',
    says: '"read" on build "nightly"',
  },
  {
    family: 'analytics',
    req: { url: '/api/stowage/v1/analytics/funnel?name=nightly' },
    needs: 'build-read',
    says: '"read" on build "nightly"',
  },
  {
    family: 'create repository',
    req: json('PUT', '/api/repositories/made', { rclass: 'local' }),
    needs: 'admin',
    says: 'needs admin rights',
  },
  {
    family: 'permission targets',
    req: { url: '/api/security/permissions' },
    needs: 'admin',
    says: 'needs admin rights',
  },
  {
    family: 'audit trail',
    req: { url: '/api/stowage/v1/audit' },
    needs: 'admin',
    says: 'needs admin rights',
  },
  { family: 'own tokens', req: { url: '/api/stowage/v1/tokens' }, needs: 'authenticated' },
];

function allowed(principal: string, needs: string): boolean {
  if (needs === 'public') return true;
  if (principal === 'anonymous') return false;
  if (needs === 'authenticated' || principal === 'admin') return true;
  const held = HOLDS[principal] ?? [];
  if (needs === 'downloads') return held.includes('downloads') || held.includes('build-read');
  return held.includes(needs);
}

let t: TestApp;
const tokens: Record<string, string> = {};

async function issue(body: unknown): Promise<string> {
  const res = await t.app.inject({
    ...json('POST', '/api/stowage/v1/tokens', body),
    headers: { ...AUTH, 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { token: string }).token;
}

before(async () => {
  t = await makeApp(CONFIG);
  assert.equal(
    (await deploy(t.app, '/generic-staging/lib/a.txt;build.name=nightly;build.number=1', 'a'))
      .statusCode,
    201,
  );
  for (const b of [
    buildInfo('nightly', '1', [{ name: 'a.txt', data: 'a' }]),
    buildInfo('old', '1', []),
  ]) {
    const res = await t.app.inject({
      ...json('PUT', '/api/build', b),
      headers: { ...AUTH, 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 204, res.body);
  }
  tokens.reader = await issue({ user: 'dev' });
  tokens.deployer = await issue({ user: 'ci' });
  tokens.build = await issue({ buildName: 'nightly', buildNumber: '1' });
  tokens.qa = await issue({ user: 'qa-lead' });
  tokens.release = await issue({ user: 'rm' });
});
after(async () => t.close());

for (const row of ROWS) {
  test(`${row.family}: ${PRINCIPALS.join(', ')}`, async () => {
    // Admin last: its writes would change what the others see.
    for (const principal of PRINCIPALS) {
      const headers: Record<string, string> = { ...(row.req.headers as Record<string, string>) };
      if (principal === 'admin') Object.assign(headers, AUTH);
      else if (tokens[principal]) headers.authorization = `Bearer ${tokens[principal]}`;
      const res = await t.app.inject({ ...row.req, headers });
      const what = `${row.family} as ${principal}: ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (allowed(principal, row.needs)) {
        assert.ok(res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500, what);
      } else if (principal === 'anonymous') {
        assert.equal(res.statusCode, 401, what);
        assert.ok(res.headers['www-authenticate'], `${what}: a 401 challenges`);
      } else {
        assert.equal(res.statusCode, 403, what);
        assert.ok(
          row.says && res.body.includes(row.says.replaceAll('"', '\\"')),
          `${what}: names ${row.says}`,
        );
      }
    }
  });
}

test('every registered route declares a permission, and a route without one is refused', async () => {
  const routes = t.app.stowageRoutes;
  assert.ok(routes.length >= 50, `routes registered: ${routes.length}`);
  for (const r of routes) assert.ok(r.permission, `${r.method} ${r.url}`);
  const families = [
    '/api/npm/',
    '/v2/',
    '/api/pypi/',
    '/api/go/',
    '/api/helm/',
    '/api/nuget/',
    '/api/conda/',
    '/api/cran/',
    '/api/build',
    '/api/storage/',
    '/api/security/',
    '/api/stowage/v1/audit',
    '/ui/',
  ];
  for (const f of families)
    assert.ok(
      routes.some((r) => r.url.startsWith(f)),
      `a route under ${f}`,
    );
  // Each collected route is one Fastify serves (and the onRoute hook saw every one it serves).
  for (const r of routes)
    for (const method of r.method.split(','))
      assert.ok(t.app.hasRoute({ method, url: r.url }), `${method} ${r.url} is registered`);
  await assert.rejects(
    makeApp(CONFIG, {
      plugins: [
        async (app) => {
          app.get('/undeclared', async () => 'x');
        },
      ],
    }),
    /route GET \/undeclared declares no valid config\.permission/,
  );
});

test('a route that answers success without checking its resource permission fails closed', async () => {
  const app2 = await makeApp(CONFIG, {
    plugins: [
      async (app) => {
        app.get('/forgetful', { config: { permission: 'repo:read' } }, async () => ({ secret: 1 }));
      },
    ],
  });
  try {
    const res = await app2.app.inject({ url: '/forgetful', headers: AUTH });
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('secret'));
  } finally {
    await app2.close();
  }
});

test('npm unpublish through a packument update needs "delete", like DELETE does', async () => {
  const deployer = {
    authorization: `Bearer ${tokens.deployer}`,
    'content-type': 'application/json',
  };
  const tgz = Buffer.from('not really a tarball').toString('base64');
  const publish = await t.app.inject({
    method: 'PUT',
    url: '/api/npm/npm-local/tiny',
    headers: deployer,
    payload: JSON.stringify({
      name: 'tiny',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name: 'tiny', version: '1.0.0' } },
      _attachments: { 'tiny-1.0.0.tgz': { data: tgz, length: 20 } },
    }),
  });
  assert.equal(publish.statusCode, 201, publish.body);
  const unpublish = await t.app.inject({
    method: 'PUT',
    url: '/api/npm/npm-local/tiny/-rev/1',
    headers: deployer,
    payload: JSON.stringify({ name: 'tiny', 'dist-tags': {}, versions: {} }),
  });
  assert.equal(unpublish.statusCode, 403, unpublish.body);
  assert.match(unpublish.body, /needs \\"delete\\" on repository \\"npm-local\\"/);
  const still = await t.app.inject({ url: '/api/npm/npm-local/tiny', headers: deployer });
  assert.equal(still.statusCode, 200);
});

test('listings answer only what the caller may read: AQL over repositories a token may not read finds nothing', async () => {
  const query = 'items.find({"repo":"generic-staging","name":"a.txt"})';
  const search = async (headers: Record<string, string>): Promise<{ name: string }[]> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/search/aql',
      payload: query,
      headers: { ...headers, 'content-type': 'text/plain' },
    });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { results: { name: string }[] }).results;
  };
  assert.deepEqual(
    (await search(AUTH)).map((r) => r.name),
    ['a.txt'],
  );
  const qaOnly = await issue({ user: 'qa-only-reader', scopes: ['repo:generic-qa:read'] });
  assert.deepEqual(await search({ authorization: `Bearer ${qaOnly}` }), []);
  const anonymous = await t.app.inject({
    method: 'POST',
    url: '/api/search/aql',
    payload: query,
    headers: { 'content-type': 'text/plain' },
  });
  assert.equal(anonymous.statusCode, 401, 'nothing readable and no credentials: asked for them');
});

test('a permission target or a group membership changed through the API decides the very next request', async () => {
  // The policy and each user's grants are worked out once per policy (internal/auth.ts): a
  // change must still be seen at once, for granting and for taking back.
  const admin = { ...AUTH, 'content-type': 'application/json' };
  const put = (url: string, body: unknown) =>
    t.app.inject({ method: 'PUT', url, headers: admin, payload: JSON.stringify(body) });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const reader = tokens.reader!;
  assert.equal((await deploy(t.app, '/generic-qa/policy/1.txt', 'x', as(reader))).statusCode, 403);
  const target = {
    name: 'dev-qa',
    repo: { repositories: ['generic-qa'], actions: { users: { dev: ['deploy'] } } },
  };
  assert.ok(
    [200, 201].includes((await put('/api/security/permissions/dev-qa', target)).statusCode),
  );
  assert.equal((await deploy(t.app, '/generic-qa/policy/2.txt', 'x', as(reader))).statusCode, 201);
  const removed = await t.app.inject({
    method: 'DELETE',
    url: '/api/security/permissions/dev-qa',
    headers: AUTH,
  });
  assert.ok([200, 204].includes(removed.statusCode), removed.body);
  assert.equal((await deploy(t.app, '/generic-qa/policy/3.txt', 'x', as(reader))).statusCode, 403);

  // A user added to a group holds the group's grants at once, and loses them at once.
  assert.ok(
    [200, 201].includes((await put('/api/security/users/temp', { name: 'temp' })).statusCode),
  );
  const temp = await issue({ user: 'temp' });
  const staging = (n: number) => deploy(t.app, `/generic-staging/policy/${n}.txt`, 'x', as(temp));
  assert.equal((await staging(1)).statusCode, 403);
  await put('/api/security/users/temp', { name: 'temp', groups: ['ci'] });
  assert.equal((await staging(2)).statusCode, 201);
  await put('/api/security/users/temp', { name: 'temp', groups: [] });
  assert.equal((await staging(3)).statusCode, 403);
});
