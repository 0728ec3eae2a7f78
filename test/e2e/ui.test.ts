/**
 * The web UI in headless Chromium against a real server: builds seeded through the REST API
 * (stamped artifacts, several build-infos with dependencies and a Docker-like module, one
 * promotion), then every page loaded and checked, a promotion clicked through (dry run, promote,
 * new status), refused without a token, and a screenshot of each page saved under
 * test-results/ui/ (gitignored). Needs /usr/bin/chromium (`apt-get install -y chromium`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '@stowage/server';
import { ROOT, tempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results/ui');
const NAME = 'nightly-report';
const IMAGE = 'registry.example/data/nightly-report';

const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install it with apt-get install -y chromium`;

interface Sums {
  sha1: string;
  sha256: string;
  md5: string;
}
const sums = (b: Buffer): Sums => ({
  sha1: createHash('sha1').update(b).digest('hex'),
  sha256: createHash('sha256').update(b).digest('hex'),
  md5: createHash('md5').update(b).digest('hex'),
});

/** Deterministic bytes (so a layer shared between runs has the same digest). */
function bytesOf(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function call(
  server: RunningServer,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  if (res.status >= 400) assert.fail(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

function started(n: number): string {
  // yyyy-MM-dd'T'HH:mm:ss.SSS+0000, one build a day.
  const d = new Date(Date.UTC(2026, 10, 1 + n, 2, 0, 0));
  return d.toISOString().replace('Z', '+0000');
}

/** Deploys build n's files (stamped) and publishes its build-info. */
async function seedBuild(server: RunningServer, n: number): Promise<void> {
  const stamp = `;build.name=${NAME};build.number=${n};team=data`;
  const files: { path: string; body: Buffer; type: string }[] = [
    { path: `${NAME}/${n}/report.csv`, body: bytesOf(`csv${n}`, 20_000 + n * 6_000), type: 'csv' },
    { path: `${NAME}/${n}/job.tgz`, body: bytesOf(`tgz${n}`, 150_000 + n * 9_000), type: 'tgz' },
  ];
  // The image: a base layer every run shares, a dependency layer that changes at run 3 and an
  // application layer that changes every run.
  const layers = [
    bytesOf('base-layer', 300_000),
    bytesOf(n < 3 ? 'deps-a' : 'deps-b', n < 3 ? 120_000 : 160_000),
    bytesOf(`app${n}`, 30_000 + n * 5_000),
  ];
  const layerArts = layers.map((b) => {
    const s = sums(b);
    return { name: `sha256__${s.sha256}`, b, s };
  });
  for (const f of files) {
    await call(server, 'PUT', `/generic-staging/${f.path}${stamp}`, f.body);
  }
  for (const l of layerArts) {
    await call(server, 'PUT', `/generic-staging/docker/${NAME}/${n}/${l.name}${stamp}`, l.b);
  }
  const pandas = n >= 3 ? '2.2.0' : '2.1.4';
  const deps = [
    {
      id: `pandas:${pandas}`,
      type: 'whl',
      scopes: ['runtime'],
      ...sums(Buffer.from(`pandas${pandas}`)),
    },
    { id: 'numpy:1.26.4', type: 'whl', scopes: ['runtime'], ...sums(Buffer.from('numpy')) },
    ...(n >= 4
      ? [
          {
            id: 'requests:2.32.3',
            type: 'whl',
            scopes: ['runtime'],
            ...sums(Buffer.from('requests')),
          },
        ]
      : []),
  ];
  const info = {
    version: '1.0.1',
    name: NAME,
    number: String(n),
    type: 'GENERIC',
    started: started(n),
    durationMillis: 60_000 + n * 7_000,
    principal: 'ci-bot',
    url: `https://ci.example/jobs/${NAME}/${n}`,
    agent: { name: 'GitHub Actions', version: '2.320.0' },
    buildAgent: { name: 'stowage', version: '0.1.0' },
    properties: {
      'buildInfo.env.GITHUB_WORKFLOW': NAME,
      'buildInfo.env.RUNNER_OS': 'Linux',
      'buildInfo.env.PYTHON_VERSION': '3.12',
    },
    vcs: [
      {
        url: 'https://git.example/data/nightly-report.git',
        branch: 'main',
        revision: createHash('sha1').update(`rev${n}`).digest('hex'),
        message: `Nightly report run ${n}`,
      },
    ],
    modules: [
      {
        id: NAME,
        type: 'generic',
        artifacts: files.map((f) => ({
          name: f.path.split('/').pop(),
          path: f.path,
          type: f.type,
          size: f.body.length,
          ...sums(f.body),
        })),
        dependencies: deps,
      },
      {
        id: `${IMAGE}:${n}`,
        type: 'docker',
        properties: { 'docker.image.tag': `${IMAGE}:${n}` },
        artifacts: layerArts.map((l) => ({
          name: l.name,
          path: `docker/${NAME}/${n}/${l.name}`,
          size: l.b.length,
          ...l.s,
        })),
      },
    ],
  };
  await call(server, 'PUT', '/api/build', JSON.stringify(info), {
    'content-type': 'application/json',
  });
}

describe('web UI in headless Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let closed: RunningServer | undefined;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const shot = async (name: string, fullPage = true): Promise<void> => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const open = async (path: string): Promise<void> => {
    await page.goto(`${server.url}${path}`);
    await page.locator('main h1').first().waitFor();
  };

  before(async () => {
    dir = await tempDir('ui');
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });
    server = await startServer({
      dataDir: join(dir, 'open'),
      port: 0,
      config: { auth: { anonymousRead: true } },
    });
    for (const n of [1, 2, 3, 4]) await seedBuild(server, n);
    await call(
      server,
      'POST',
      `/api/build/promote/${NAME}/2`,
      JSON.stringify({
        status: 'qa',
        targetRepo: 'generic-qa',
        comment: 'smoke tests passed',
        ciUser: 'octocat',
        approver: 'release-lead',
      }),
      { 'content-type': 'application/json' },
    );
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await closed?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the shell with a strict CSP and no external resources', async () => {
    const res = await fetch(`${server.url}/ui/builds`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL in the shell');
    assert.doesNotMatch(html, /<script>|<style>| style=/, 'no inline script or style');
    const js = await fetch(`${server.url}/ui/assets/ui.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const redirect = await fetch(`${server.url}/ui`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/ui/');
    const missing = await fetch(`${server.url}/ui/assets/nope.js`);
    assert.equal(missing.status, 404);
  });

  it('lists builds and a build name with its promotion history (anonymous read)', async () => {
    await open('/ui/');
    assert.equal(await page.locator('main h1').textContent(), 'Builds');
    await page.getByRole('link', { name: NAME, exact: true }).waitFor();
    await shot('builds');

    // Keyboard: the first Tab reaches the skip link, which is then visible.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');

    await page.getByRole('link', { name: NAME, exact: true }).click();
    await page.locator('main h1', { hasText: NAME }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/ui/builds/${NAME}`);
    const rows = page.locator('table.builds tbody tr');
    assert.equal(await rows.count(), 4);
    assert.match((await rows.nth(0).textContent()) ?? '', /#4/);
    const two = (await rows.nth(2).textContent()) ?? '';
    assert.match(two, /#2/);
    assert.match(two, /qa → generic-qa/);
    assert.match(two, /by octocat, approved by release-lead/);
    // The analytics funnel: how many builds reached each stage.
    assert.match(
      (await page.locator('ul.funnel').textContent()) ?? '',
      /4\s*published.*1\s*reached qa.*0\s*reached release/,
    );
    await shot('build-name');
  });

  it('shows a build: modules, artifacts, dependencies, environment, VCS, statuses', async () => {
    await open(`/ui/builds/${NAME}/2`);
    const main = page.locator('main');
    assert.match((await main.locator('h1').textContent()) ?? '', /nightly-report #2\s*qa/);
    const text = (await main.textContent()) ?? '';
    for (const want of [
      'GitHub Actions 2.320.0',
      `https://ci.example/jobs/${NAME}/2`,
      'smoke tests passed',
      // Who asked for the promotion and who approved it.
      'Requested by',
      'octocat',
      'Approved by',
      'release-lead',
      `${IMAGE}:2`,
      'docker',
      'report.csv',
      'pandas:2.1.4',
      'numpy:1.26.4',
      'buildInfo.env.RUNNER_OS',
      'https://git.example/data/nightly-report.git',
      'Nightly report run 2',
    ]) {
      assert.ok(text.includes(want), `the build page shows ${want}`);
    }
    assert.equal(await main.locator('table.artifacts').count(), 2);
    assert.equal(await main.locator('table.dependencies').count(), 1);
    // Every form control has a label.
    // (A string, evaluated in the page: the test project has no DOM types.)
    const unlabelled = await page.evaluate(
      `[...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !el.labels || el.labels.length === 0)
        .map((el) => el.id || el.outerHTML)`,
    );
    assert.deepEqual(unlabelled, []);
  });

  it('refuses a promotion without a token, with a message', async () => {
    await open(`/ui/builds/${NAME}/3`);
    await page.getByLabel('Target stage').selectOption('qa');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const alert = page.locator('.promote [role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /needs a token.*401/);
    assert.ok(await page.getByRole('button', { name: 'Promote', exact: true }).isDisabled());
    await page.locator('.promote').scrollIntoViewIfNeeded();
    await shot('promote-refused', false);
    // Nothing changed on the server.
    const res = await call(server, 'GET', `/api/build/${NAME}/3`);
    const body = (await res.json()) as { buildInfo: { statuses?: unknown[] } };
    assert.equal(body.buildInfo.statuses, undefined);
  });

  it('signs in with a token (a wrong one is refused), dry-runs and promotes', async () => {
    await page.getByLabel('API token').fill('stw_not_a_real_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#token-msg', { hasText: 'not valid' }).waitFor();

    await page.getByLabel('API token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem('stowage.token')),
      server.adminToken,
    );
    assert.equal(
      await page.evaluate(() => localStorage.length),
      0,
      'the token is never kept in localStorage',
    );

    await page.getByLabel('Target stage').selectOption('qa');
    await page.getByLabel('Comment (optional)').fill('approved from the UI');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const result = page.locator('.promote .result');
    await result.locator('ul.messages').waitFor();
    const dry = (await result.textContent()) ?? '';
    assert.match(dry, /nothing has changed yet/);
    assert.match(dry, /would move generic-staging\/nightly-report\/3\/report\.csv to generic-qa/);
    assert.match(dry, /dry run: 5 artifact\(s\) would be promoted/);
    await page.locator('.promote').scrollIntoViewIfNeeded();
    await shot('promote-dry-run', false);

    await page.getByRole('button', { name: 'Promote to qa' }).click();
    await page.locator('.promote .notice.ok').waitFor();
    assert.match(
      (await page.locator('.promote .notice.ok').textContent()) ?? '',
      /promoted nightly-report#3 to "qa" \(5 artifact\(s\) in generic-qa\)/,
    );
    assert.match((await page.locator('main h1').textContent()) ?? '', /#3\s*qa/);
    const statuses = (await page.locator('table.statuses').textContent()) ?? '';
    assert.match(statuses, /approved from the UI/);
    // The audit section shows the promotion: who made it, from where.
    await page.locator('table.audit', { hasText: 'build.promote' }).waitFor();
    assert.match(
      (await page.locator('table.audit').textContent()) ?? '',
      /build\.promote\s*admin from 127\.0\.0\.1\s*generic-qa; status: qa; comment: approved from the UI/,
    );
    // The form now offers the next stage.
    assert.equal(await page.getByLabel('Target stage').inputValue(), 'release');

    const res = await call(server, 'GET', `/api/build/${NAME}/3`);
    const body = (await res.json()) as {
      buildInfo: { statuses?: { status: string; comment?: string; repository?: string }[] };
    };
    assert.equal(body.buildInfo.statuses?.length, 1);
    assert.equal(body.buildInfo.statuses?.[0]?.status, 'qa');
    assert.equal(body.buildInfo.statuses?.[0]?.repository, 'generic-qa');
    await (await call(server, 'GET', `/api/storage/generic-qa/${NAME}/3/report.csv`)).json();

    await page.evaluate('window.scrollTo(0, 0)');
    await shot('build');
    await page.screenshot({
      path: join(SHOTS, 'readme-build.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 1240 },
    });
  });

  it('shows the difference between two builds', async () => {
    await open(`/ui/builds/${NAME}/4`);
    await page.getByLabel('Compare #4 with').selectOption('2');
    await page.getByRole('button', { name: 'Show the differences' }).click();
    await page.locator('main h1', { hasText: '#2 → #4' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/ui/builds/${NAME}/4/diff/2`);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /requests:2\.32\.3/);
    assert.match(text, /pandas:2\.2\.0/);
    assert.match(text, /2\.1\.4/);
    assert.match(text, /Version changed \(1\)/);
    assert.match(text, /Added \(1\)/);
    assert.match(text, /report\.csv/);
    // Layers per image (analytics): the base layer kept, the dependency and app layers replaced.
    const layers = (await page.locator('table.images').textContent()) ?? '';
    assert.match(layers, /1 layer, 293 KiB/);
    assert.match(layers, /2 layers/);
    await shot('diff');
  });

  it('draws size and layer charts over time', async () => {
    await open(`/ui/builds/${NAME}/charts`);
    const charts = page.locator('svg.chart');
    assert.equal(await charts.count(), 3, 'total size, image size, image layers');
    assert.equal(await page.locator('svg.chart').first().locator('rect.bar').count(), 4);
    const label = await charts.first().getAttribute('aria-labelledby');
    assert.ok(label);
    assert.match(
      (await page.locator(`[id="${label}"]`).textContent()) ?? '',
      /Total artifact size/,
    );
    const text = (await page.locator('main').textContent()) ?? '';
    assert.ok(text.includes(IMAGE));
    await shot('charts');
  });

  it('browses repositories, folders and a file with checksums and properties', async () => {
    await open('/ui/repos');
    await page.getByRole('link', { name: 'generic-staging' }).click();
    await page.locator('main h1', { hasText: 'generic-staging' }).waitFor();
    await page.getByRole('link', { name: `${NAME}/` }).click();
    await page.getByRole('link', { name: '4/' }).click();
    await page.locator('main h1', { hasText: `generic-staging/${NAME}/4` }).waitFor();
    await shot('folder');
    await page.getByRole('link', { name: 'report.csv' }).click();
    await page.locator('main h1', { hasText: 'report.csv' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    const csv = bytesOf('csv4', 44_000);
    assert.ok(text.includes(sums(csv).sha256), 'sha256 shown');
    assert.ok(text.includes(sums(csv).md5), 'md5 shown');
    assert.match(text, /build\.number/);
    assert.match(text, /team/);
    assert.match(text, /44,000 bytes/);
    await page.getByRole('link', { name: `${NAME} #4` }).waitFor();
    await shot('file');
    await page.goBack();
    await page.locator('main h1', { hasText: `generic-staging/${NAME}/4` }).waitFor();
  });

  it('asks for a token when anonymous read is off', async () => {
    closed = await startServer({ dataDir: join(dir, 'closed'), port: 0 });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await p.goto(`${closed.url}/ui/builds`);
    await p.locator('main h1', { hasText: 'Sign in to read' }).waitFor();
    assert.match((await p.locator('main [role="alert"]').textContent()) ?? '', /needs a token/);
    await p.screenshot({ path: join(SHOTS, 'sign-in.png') });
    await p.getByLabel('API token').fill(closed.adminToken);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('main h1', { hasText: 'Builds' }).waitFor();
    assert.match((await p.locator('main').textContent()) ?? '', /No build-info has been published/);
    await p.close();
  });

  it('logged no script errors and no CSP violations', () => {
    // The 401s the tests provoke are logged by Chromium as failed loads; anything else is a bug.
    const real = problems.filter((p) => !/status of 401/.test(p));
    assert.deepEqual(real, []);
  });
});
