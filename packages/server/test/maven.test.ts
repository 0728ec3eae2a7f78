import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  AUTH,
  deploy,
  downloadForBuild,
  errorCode,
  makeApp,
  sums,
  type TestApp,
} from './helpers.ts';
import { compareVersions, packageOf, parseFile } from '../src/formats/maven/layout.ts';
import { parseMetadata } from '../src/formats/maven/metadata.ts';

let t: TestApp;
let upstream: Server;
const upstreamFiles = new Map<string, string>();

const pom = (g: string, a: string, v: string): string =>
  `<project><modelVersion>4.0.0</modelVersion><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></project>\n`;

before(async () => {
  upstream = createServer((req, res) => {
    const body = upstreamFiles.get((req.url ?? '/').slice(1));
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const addr = upstream.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  t = await makeApp(
    {
      repositories: [
        { key: 'generic-staging' },
        { key: 'mvn-local', rclass: 'local', packageType: 'maven' },
        { key: 'mvn-mirror', rclass: 'remote', packageType: 'maven', url: `${url}/mirror` },
        { key: 'mvn-remote', rclass: 'remote', packageType: 'maven', url },
        {
          key: 'mvn',
          rclass: 'virtual',
          packageType: 'maven',
          repositories: ['mvn-local', 'mvn-remote', 'mvn-mirror'],
          defaultDeploymentRepo: 'mvn-local',
        },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 1000 } },
  );
});
after(async () => {
  await t.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

async function get(
  url: string,
): Promise<{ statusCode: number; body: string; json: () => unknown }> {
  return t.app.inject({ url, headers: AUTH });
}

test('layout: file names, package folders and version order', () => {
  assert.deepEqual(parseFile('org/ex/app/1.0/app-1.0-sources.jar'), {
    groupPath: 'org/ex',
    artifactId: 'app',
    version: '1.0',
    classifier: 'sources',
    extension: 'jar',
  });
  const snap = parseFile('org/ex/app/1.0-SNAPSHOT/app-1.0-20260102.030405-7.pom');
  assert.equal(snap?.timestamp, '20260102.030405');
  assert.equal(snap?.buildNumber, 7);
  assert.equal(parseFile('org/ex/app/1.0/other-1.0.jar'), undefined);
  assert.equal(packageOf('org/ex/app/1.0/app-1.0.jar.sha1'), 'org/ex/app');
  assert.equal(packageOf('org/ex/app/maven-metadata.xml'), 'org/ex/app');
  assert.equal(packageOf('org/ex/app/1.0-SNAPSHOT/maven-metadata.xml'), 'org/ex/app');
  const sorted = ['1.10', '1.9', '1.0', '1.0-rc1', '1.0-SNAPSHOT', '1.0-sp1', '2.0-alpha'].sort(
    compareVersions,
  );
  assert.deepEqual(sorted, [
    '1.0-rc1',
    '1.0-SNAPSHOT',
    '1.0',
    '1.0-sp1',
    '1.9',
    '1.10',
    '2.0-alpha',
  ]);
});

test('deploying releases writes artifact-level maven-metadata.xml', async () => {
  for (const v of ['1.9', '1.10', '2.0-SNAPSHOT']) {
    const file = v.endsWith('SNAPSHOT') ? `app-2.0-20260101.101010-1.pom` : `app-${v}.pom`;
    const res = await deploy(t.app, `/mvn/org/ex/app/${v}/${file}`, pom('org.ex', 'app', v));
    assert.equal(res.statusCode, 201, res.body);
  }
  const res = await get('/mvn-local/org/ex/app/maven-metadata.xml');
  assert.equal(res.statusCode, 200);
  const md = await parseMetadata(res.body);
  assert.equal(md.groupId, 'org.ex');
  assert.equal(md.artifactId, 'app');
  assert.deepEqual(md.versioning?.versions, ['1.9', '1.10', '2.0-SNAPSHOT']);
  assert.equal(md.versioning?.latest, '2.0-SNAPSHOT');
  assert.equal(md.versioning?.release, '1.10');
  assert.match(md.versioning?.lastUpdated ?? '', /^\d{14}$/);
});

test('uniquely versioned snapshots get version-level metadata; snapshots can be redeployed', async () => {
  const base = '/mvn-local/org/ex/lib/1.0-SNAPSHOT';
  for (const [n, body] of [
    [1, 'jar one'],
    [2, 'jar two'],
  ] as const) {
    assert.equal(
      (await deploy(t.app, `${base}/lib-1.0-20260101.120000-${n}.jar`, body)).statusCode,
      201,
    );
    assert.equal(
      (
        await deploy(
          t.app,
          `${base}/lib-1.0-20260101.120000-${n}.pom`,
          pom('org.ex', 'lib', '1.0-SNAPSHOT'),
        )
      ).statusCode,
      201,
    );
  }
  await deploy(t.app, `${base}/lib-1.0-20260101.120000-2-sources.jar`, 'src');
  assert.equal(
    (await deploy(t.app, `${base}/lib-1.0-20260101.120000-2.jar`, 'jar two again')).statusCode,
    201,
  );
  const vres = await get(`${base}/maven-metadata.xml`);
  const md = await parseMetadata(vres.body);
  assert.equal(md.version, '1.0-SNAPSHOT', vres.body);
  assert.equal(md.version, '1.0-SNAPSHOT');
  assert.deepEqual(md.versioning?.snapshot, { timestamp: '20260101.120000', buildNumber: 2 });
  const sv = md.versioning?.snapshotVersions ?? [];
  assert.deepEqual(sv.map((s) => `${s.classifier ?? ''}:${s.extension}=${s.value}`).sort(), [
    ':jar=1.0-20260101.120000-2',
    ':pom=1.0-20260101.120000-2',
    'sources:jar=1.0-20260101.120000-2',
  ]);
  assert.equal(sv[0]?.updated, '20260101120000');
});

test('a client-uploaded maven-metadata.xml is regenerated from what is stored', async () => {
  await deploy(t.app, '/mvn-local/org/ex/tool/1.0/tool-1.0.jar', 'tool');
  const bogus =
    '<metadata><groupId>org.ex</groupId><artifactId>tool</artifactId><versioning><release>9.9</release><versions><version>9.9</version></versions></versioning></metadata>';
  assert.equal(
    (await deploy(t.app, '/mvn-local/org/ex/tool/maven-metadata.xml', bogus)).statusCode,
    201,
  );
  // Its checksum files describe the client's copy; they are accepted without a check.
  const sha1 = createHash('sha1').update(bogus).digest('hex');
  assert.equal(
    (await deploy(t.app, '/mvn-local/org/ex/tool/maven-metadata.xml.sha1', sha1)).statusCode,
    201,
  );
  const res = await get('/mvn-local/org/ex/tool/maven-metadata.xml');
  const md = await parseMetadata(res.body);
  assert.deepEqual(md.versioning?.versions, ['1.0']);
  assert.equal(md.versioning?.release, '1.0');
  const served = await get('/mvn-local/org/ex/tool/maven-metadata.xml.sha1');
  assert.equal(served.body, createHash('sha1').update(res.body).digest('hex'));
  const malformed = await deploy(
    t.app,
    '/mvn-local/org/ex/tool/maven-metadata.xml',
    '<metadata><oops>',
  );
  assert.equal(malformed.statusCode, 400);
  assert.equal(errorCode(malformed), 'ERR_BODY_INVALID');
});

test('checksum files are served for every stored file and uploaded ones are verified', async () => {
  const body = 'the jar bytes';
  await deploy(t.app, '/mvn-local/org/ex/sum/1.0/sum-1.0.jar', body);
  const s = sums(body);
  for (const alg of ['sha1', 'md5', 'sha256', 'sha512'] as const) {
    const res = await get(`/mvn-local/org/ex/sum/1.0/sum-1.0.jar.${alg}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, createHash(alg).update(body).digest('hex'));
  }
  const head = await t.app.inject({
    method: 'HEAD',
    url: '/mvn/org/ex/sum/1.0/sum-1.0.jar.sha1',
    headers: AUTH,
  });
  assert.equal(head.statusCode, 200);
  const ok = await deploy(
    t.app,
    '/mvn-local/org/ex/sum/1.0/sum-1.0.jar.sha1',
    `${s.sha1}  sum-1.0.jar\n`,
  );
  assert.equal(ok.statusCode, 201);
  const bad = await deploy(t.app, '/mvn-local/org/ex/sum/1.0/sum-1.0.jar.md5', '0'.repeat(32));
  assert.equal(bad.statusCode, 409);
  assert.equal(errorCode(bad), 'ERR_CHECKSUM_MISMATCH');
  assert.equal((await get('/mvn-local/org/ex/sum/1.0/sum-1.0.jar.md5')).body, s.md5);
  assert.equal((await get('/mvn-local/org/ex/sum/1.0/missing-1.0.jar.sha1')).statusCode, 404);
});

test('a release cannot be redeployed with other content (identical content is fine)', async () => {
  const url = '/mvn/org/ex/rel/1.0/rel-1.0.jar';
  assert.equal((await deploy(t.app, url, 'v1')).statusCode, 201);
  assert.equal((await deploy(t.app, url, 'v1')).statusCode, 201);
  const again = await deploy(t.app, url, 'v2');
  assert.equal(again.statusCode, 409);
  assert.equal(errorCode(again), 'ERR_MAVEN_RELEASE_EXISTS');
  assert.equal((await get('/mvn-local/org/ex/rel/1.0/rel-1.0.jar')).body, 'v1');
});

test('a virtual merges maven-metadata.xml across members, except for packages a local owns', async () => {
  upstreamFiles.set(
    'org/up/lib/maven-metadata.xml',
    '<metadata><groupId>org.up</groupId><artifactId>lib</artifactId><versioning><latest>3.0</latest><release>3.0</release><versions><version>2.0</version><version>3.0</version></versions><lastUpdated>20250101000000</lastUpdated></versioning></metadata>',
  );
  await deploy(t.app, '/mvn-local/org/up/lib/3.1/lib-3.1.jar', 'ours');
  // org/up/lib exists locally: the remote is not asked (dependency confusion).
  let md = await parseMetadata((await get('/mvn/org/up/lib/maven-metadata.xml')).body);
  assert.deepEqual(md.versioning?.versions, ['3.1']);
  upstreamFiles.set(
    'org/up/other/maven-metadata.xml',
    '<metadata><groupId>org.up</groupId><artifactId>other</artifactId><versioning><versions><version>1.0</version><version>1.1</version></versions><lastUpdated>20250101000000</lastUpdated></versioning></metadata>',
  );
  md = await parseMetadata((await get('/mvn/org/up/other/maven-metadata.xml')).body);
  assert.deepEqual(md.versioning?.versions, ['1.0', '1.1']);
  // Merge: the same artifact in the local and in another (remote-only) artifact's neighbour.
  upstreamFiles.set(
    'org/up/both/maven-metadata.xml',
    '<metadata><groupId>org.up</groupId><artifactId>both</artifactId><versioning><versions><version>1.0</version></versions><lastUpdated>20250101000000</lastUpdated></versioning></metadata>',
  );
  const merged = await get('/mvn/org/up/both/maven-metadata.xml');
  assert.equal(merged.statusCode, 200);
  const sha1 = await get('/mvn/org/up/both/maven-metadata.xml.sha1');
  assert.equal(sha1.body, createHash('sha1').update(merged.body).digest('hex'));
  assert.equal((await get('/mvn/org/none/x/maven-metadata.xml')).statusCode, 404);
});

test('virtual merge unites versions and plugins from several members', async () => {
  const doc = (versions: string[], stamp: string): string =>
    `<metadata><groupId>org.mix</groupId><artifactId>m</artifactId><versioning><versions>${versions.map((v) => `<version>${v}</version>`).join('')}</versions><lastUpdated>${stamp}</lastUpdated></versioning></metadata>`;
  upstreamFiles.set('org/mix/m/maven-metadata.xml', doc(['1.0', '1.2'], '20250101000000'));
  upstreamFiles.set(
    'mirror/org/mix/m/maven-metadata.xml',
    doc(['1.1', '2.0-SNAPSHOT'], '20250202000000'),
  );
  const md = await parseMetadata((await get('/mvn/org/mix/m/maven-metadata.xml')).body);
  assert.deepEqual(md.versioning?.versions, ['1.0', '1.1', '1.2', '2.0-SNAPSHOT']);
  assert.equal(md.versioning?.latest, '2.0-SNAPSHOT');
  assert.equal(md.versioning?.release, '1.2');
  assert.equal(md.versioning?.lastUpdated, '20250202000000');
  const plugins = (prefix: string): string =>
    `<metadata><plugins><plugin><prefix>${prefix}</prefix><artifactId>${prefix}-maven-plugin</artifactId></plugin></plugins></metadata>`;
  upstreamFiles.set('org/plug/maven-metadata.xml', plugins('a'));
  upstreamFiles.set('mirror/org/plug/maven-metadata.xml', plugins('b'));
  const pm = await parseMetadata((await get('/mvn/org/plug/maven-metadata.xml')).body);
  assert.deepEqual(
    pm.plugins?.map((p) => p.prefix),
    ['a', 'b'],
  );
});

test('malformed upstream metadata is not cached', async () => {
  upstreamFiles.set('org/bad/x/maven-metadata.xml', '<metadata><versioning><versions>');
  const res = await get('/mvn-remote/org/bad/x/maven-metadata.xml');
  assert.equal(res.statusCode, 502);
  assert.equal(errorCode(res), 'ERR_UPSTREAM_INVALID');
  const info = await get('/api/storage/mvn-remote/org/bad/x/maven-metadata.xml');
  assert.equal(info.statusCode, 404);
});

test('a cache-miss jar and pom through a remote are recorded for the build (headers and build token)', async () => {
  const jar = 'PK\u0003\u0004 cold jar bytes';
  upstreamFiles.set('org/cold/lib/1.0/lib-1.0.jar', jar);
  upstreamFiles.set('org/cold/lib/1.0/lib-1.0.pom', pom('org.cold', 'lib', '1.0'));
  const { res, downloads } = await downloadForBuild(t.app, '/mvn/org/cold/lib/1.0/lib-1.0.jar', {
    name: 'mvn-cold',
    number: '1',
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['mvn', 'org/cold/lib/1.0/lib-1.0.jar', sums(jar).sha256]],
  );
  const p = await downloadForBuild(
    t.app,
    '/mvn-remote/org/cold/lib/1.0/lib-1.0.pom',
    { name: 'mvn-cold', number: '2' },
    'token',
  );
  assert.equal(p.res.statusCode, 200);
  assert.deepEqual(
    p.downloads.map((d) => `${d.repo}/${d.path}`),
    ['mvn-remote/org/cold/lib/1.0/lib-1.0.pom'],
  );
});
