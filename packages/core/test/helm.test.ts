/** Helm in core: the repositories.yaml setup writer and Chart.yaml field reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, mkdir, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTool } from '../src/core.ts';
import { mergeRepositories } from '../src/setup/helm.ts';
import { isStowageError, parseChartYaml } from '../src/core.ts';

const HELM_WRITTEN = `apiVersion: ""
generated: "0001-01-01T00:00:00Z"
repositories:
- caFile: ""
  name: bitnami
  url: https://charts.example.com/bitnami
- caFile: ""
  name: stowage
  url: http://old.example.com/api/helm/old
`;

test('writes a stowage repository when the user has no repositories.yaml', async () => {
  const home = await mkdtemp(join(tmpdir(), 'stowage-helm-setup-'));
  const res = await setupTool('helm', {
    url: 'http://127.0.0.1:8081/',
    repo: 'helm',
    token: 'sekrit',
    dir: home,
    home,
    build: { name: 'etl', number: '4' },
  });
  const file = join(home, '.config', 'helm', 'repositories.yaml');
  assert.deepEqual(res.files, [{ path: file, action: 'written' }]);
  const text = await readFile(file, 'utf8');
  assert.match(text, /^repositories:\n- caFile: ""$/m);
  assert.match(text, /^ {2}name: stowage$/m);
  assert.match(
    text,
    /^ {2}url: "http:\/\/127\.0\.0\.1:8081\/api\/helm\/helm;build\.name=etl;build\.number=4"$/m,
  );
  assert.match(text, /^ {2}password: "sekrit"$/m);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const note = res.notes.find((n) => n.includes('helm repo add'));
  assert.match(note ?? '', /helm repo add stowage \S+ --username token --password-stdin/);
  assert.ok(!res.notes.some((n) => n.includes('sekrit')), 'the token is never in a note');
});

test('leaves an existing repositories.yaml alone unless overwrite, which replaces only the stowage item', async () => {
  const home = await mkdtemp(join(tmpdir(), 'stowage-helm-setup-'));
  const dir = join(home, '.config', 'helm');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'repositories.yaml'), HELM_WRITTEN);
  const opts = { url: 'http://h:1', repo: 'charts', dir: home, home };
  const kept = await setupTool('helm', opts);
  assert.equal(kept.files[0]?.action, 'kept');
  assert.equal(await readFile(join(dir, 'repositories.yaml'), 'utf8'), HELM_WRITTEN);
  const over = await setupTool('helm', { ...opts, overwrite: true });
  assert.equal(over.files[0]?.action, 'written');
  const text = await readFile(join(dir, 'repositories.yaml'), 'utf8');
  assert.match(text, /name: bitnami\n {2}url: https:\/\/charts\.example\.com\/bitnami/);
  assert.ok(!text.includes('old.example.com'), 'the old stowage item is replaced');
  assert.equal(text.match(/name: stowage/g)?.length, 1);
  assert.equal(mergeRepositories('something: else\n', '- name: stowage'), undefined);
  assert.equal(
    mergeRepositories('repositories: []\n', '- name: stowage'),
    'repositories:\n- name: stowage\n',
  );
});

test('reads Chart.yaml as Helm does (the one reader the server and the CLI share)', () => {
  const y =
    'apiVersion: v2\nname: "my-chart" # the name\nversion: 1.2.3\ndependencies:\n  - name: redis\n    version: 1.0.0\n';
  const chart = parseChartYaml(y);
  assert.equal(chart.name, 'my-chart');
  assert.equal(chart.version, '1.2.3');
  assert.equal(chart.dependencies?.[0]?.name, 'redis');
  assert.equal(
    parseChartYaml("apiVersion: v1\nname: a\nversion: '0.1.0-rc.1'\n").version,
    '0.1.0-rc.1',
  );
  for (const [bad, why] of [
    ['apiVersion: v2\nversion: 1.0.0\n', /no name/],
    ['apiVersion: v2\nname: a/b\nversion: 1.0.0\n', /chart name "a\/b" is invalid/],
    ['apiVersion: v2\nname: a\nversion: one\n', /not SemVer 2/],
    ['apiVersion: v3\nname: a\nversion: 1.0.0\n', /not v1 or v2/],
    ['name: [unclosed\n', /not YAML/],
  ] as const) {
    assert.throws(
      () => parseChartYaml(bad),
      (err: unknown) =>
        isStowageError(err) && err.code === 'ERR_HELM_CHART_INVALID' && why.test(err.message),
    );
  }
});
