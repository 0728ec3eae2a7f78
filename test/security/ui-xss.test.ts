/**
 * Stored XSS probes in headless Chromium against a real server (README "Security model"):
 * hostile file names, properties, build-info values, a promotion comment and active files
 * (.html, .svg, .xml, .xhtml) are uploaded; then every UI page is opened signed in (the token in
 * sessionStorage is what a script would steal) and every file URL is opened directly — from a
 * repository that serves active files as attachments and from one that renders them inline.
 * Each payload sets a global, opens a dialog or calls a listener on 127.0.0.1 this test runs;
 * the test asserts none of that ever happened and that no payload markup became an element of
 * the UI. Needs /usr/bin/chromium (`apt-get install -y chromium`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '@stowage/server';
import { call, serve, sha1, sha256, tempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install it with apt-get install -y chromium`;

/** Markup that runs script wherever it is parsed as HTML; `tag` says where it came from. */
const markup = (tag: string): string =>
  `<img src=x onerror="window.__pwned='${tag}'"><script>window.__pwned='${tag}'</script><svg onload="alert('${tag}')"></svg>`;

let dir: string;
let server: RunningServer;
let listener: Server;
let hook = '';
const hits: string[] = [];

/** Markup that also calls the listener (for values that may hold a URL). */
const calling = (tag: string): string =>
  `${markup(tag)}<img src=x onerror="fetch('${hook}/${tag}')"><script src="${hook}/${tag}.js"></script>`;

const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

const BUILD = `etl"><img src=x onerror="window.__pwned='build-name'">`;
const FOLDER = `hostile<svg onload="window.__pwned='folder'">`;
const FILE_NAMES = [
  `<img src=x onerror="window.__pwned='file-name'">.txt`,
  `"'><body onload="window.__pwned='quote'">.csv`,
  `报告<svg onload="alert('cjk')">😀.log`,
];

before(async () => {
  if (skip) return;
  dir = await tempDir('xss');
  listener = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  server = await serve(join(dir, 'data'), {
    auth: { anonymousRead: true },
    repositories: [
      {
        key: 'generic-staging',
        rclass: 'local',
        packageType: 'generic',
        description: markup('repo-description'),
      },
      { key: 'generic-qa', rclass: 'local', packageType: 'generic' },
      { key: 'reports', rclass: 'local', packageType: 'generic', serveActiveContentInline: true },
    ],
    stages: [
      { name: 'staged', repo: 'generic-staging' },
      { name: 'qa', repo: 'generic-qa' },
    ],
  });
});

after(async () => {
  await server?.close();
  await new Promise((r) => (listener ? listener.close(r) : r(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The active files: each one runs script (or calls the listener) if a browser lets it. */
const ACTIVE: Record<string, string> = {
  'page.html': `<!doctype html><html><body>${calling('html')}</body></html>`,
  'page.htm': `<html><body>${calling('htm')}</body></html>`,
  'image.svg': `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned='svg'"><script>window.__pwned='svg-script';fetch('HOOK/svg')</script></svg>`,
  'doc.xml': `<?xml version="1.0"?><root><x:script xmlns:x="http://www.w3.org/1999/xhtml">window.__pwned='xml';fetch('HOOK/xml')</x:script></root>`,
  'doc.xhtml': `<html xmlns="http://www.w3.org/1999/xhtml"><body><script>window.__pwned='xhtml';fetch('HOOK/xhtml')</script></body></html>`,
  'no-extension': `<html><body><script>window.__pwned='sniffed';fetch('HOOK/sniffed')</script></body></html>`,
};

async function seed(): Promise<string[]> {
  const urls: string[] = [];
  const props = `;note=${encodeURIComponent(calling('property'))};${encodeURIComponent(markup('prop-key'))}=v;build.name=${encodeURIComponent(BUILD)};build.number=1`;
  const files: { path: string; body: string }[] = [];
  for (const name of FILE_NAMES)
    files.push({ path: `${FOLDER}/${name}`, body: `plain text ${name}` });
  for (const [name, body] of Object.entries(ACTIVE)) {
    files.push({ path: `${FOLDER}/${name}`, body: body.replaceAll('HOOK', hook) });
  }
  for (const f of files) {
    const put = await call(server, 'PUT', `/generic-staging/${enc(f.path)}${props}`, {
      body: f.body,
    });
    assert.equal(put.status, 201, `${f.path}: ${put.text}`);
    urls.push(`/generic-staging/${enc(f.path)}`);
  }
  for (const [name, body] of Object.entries(ACTIVE)) {
    const put = await call(server, 'PUT', `/reports/${enc(name)}`, {
      body: body.replaceAll('HOOK', hook),
    });
    assert.equal(put.status, 201, put.text);
    urls.push(`/reports/${enc(name)}`);
  }
  const art = (path: string, body: string): Record<string, unknown> => ({
    name: calling('artifact-name'),
    path,
    type: markup('artifact-type'),
    sha1: sha1(body),
    sha256: sha256(body),
  });
  for (const number of ['1', '2']) {
    const info = {
      version: '1.0.1',
      name: BUILD,
      number,
      started: `2026-11-2${number}T07:00:00.000+0000`,
      principal: calling('principal'),
      url: `javascript:window.__pwned='build-url'`,
      agent: { name: markup('agent'), version: '1' },
      buildAgent: { name: markup('build-agent'), version: '1' },
      properties: { 'buildInfo.env.EVIL': calling('env'), [markup('env-key')]: 'v' },
      vcs: [
        {
          url: `javascript:fetch('${hook}/vcs')`,
          revision: markup('revision'),
          branch: markup('branch'),
          message: calling('vcs-message'),
        },
      ],
      modules: [
        {
          id: calling('module'),
          type: markup('module-type'),
          properties: { 'docker.image.tag': markup('image-tag') },
          artifacts: files.slice(0, 2).map((f) => art(f.path, f.body)),
          dependencies: [
            {
              id: `${markup('dep')}:${number}.0`,
              type: markup('dep-type'),
              scopes: [markup('scope')],
              sha1: sha1(`dep${number}`),
              sha256: sha256(`dep${number}`),
            },
          ],
        },
      ],
    };
    const put = await call(server, 'PUT', '/api/build', {
      body: JSON.stringify(info),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(put.status, 204, put.text);
  }
  const promote = await call(server, 'POST', `/api/build/promote/${encodeURIComponent(BUILD)}/1`, {
    body: JSON.stringify({
      status: 'qa',
      targetRepo: 'generic-qa',
      copy: true,
      comment: calling('comment'),
      ciUser: markup('ci-user'),
    }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(promote.status, 200, promote.text);
  return urls;
}

describe(
  'served content and stored values cannot script the UI (headless Chromium)',
  { skip },
  () => {
    let browser: Browser;
    let ctx: BrowserContext;
    let page: Page;
    let fileUrls: string[] = [];
    const dialogs: string[] = [];

    before(async () => {
      fileUrls = await seed();
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
      ctx = await browser.newContext({ acceptDownloads: true });
      page = await ctx.newPage();
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      // Signed in: the token a script would steal sits in the UI's sessionStorage.
      await page.goto(`${server.url}/ui/`);
      await page.evaluate(
        `sessionStorage.setItem('stowage.token', ${JSON.stringify(server.adminToken)})`,
      );
    });

    after(async () => {
      await browser?.close();
    });

    const pwned = async (): Promise<unknown> => page.evaluate('window.__pwned');
    /** Elements only a payload would have made: inline handlers, foreign scripts, javascript: links. */
    const injected = async (): Promise<string[]> =>
      page.evaluate(`[...document.querySelectorAll(
        '[onerror], [onload], img[src="x"], script:not([src^="/ui/assets/"]), a[href^="javascript:" i], svg[onload]'
      )].map((el) => el.outerHTML)`);

    it('every UI page shows the hostile values as text only', async () => {
      const name = encodeURIComponent(BUILD);
      const pages = [
        '/ui/',
        '/ui/builds',
        `/ui/builds/${name}`,
        `/ui/builds/${name}/1`,
        `/ui/builds/${name}/2`,
        `/ui/builds/${name}/2/diff/1`,
        `/ui/builds/${name}/charts`,
        '/ui/repos',
        '/ui/repos/generic-staging',
        `/ui/repos/generic-staging/${enc(FOLDER)}`,
        ...[...FILE_NAMES, ...Object.keys(ACTIVE)].map(
          (f) => `/ui/repos/generic-staging/${enc(`${FOLDER}/${f}`)}`,
        ),
        '/ui/repos/generic-qa',
        '/ui/repos/reports',
      ];
      for (const path of pages) {
        await page.goto(`${server.url}${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        assert.equal(await pwned(), undefined, `${path}: a payload ran`);
        assert.deepEqual(await injected(), [], `${path}: payload markup became elements`);
        assert.doesNotMatch(
          (await page.locator('main h1').first().textContent()) ?? '',
          /^Something went wrong/,
        );
      }
      // The hostile values are on the pages, as text.
      await page.goto(`${server.url}/ui/builds/${name}/1`);
      await page.locator('main h1').first().waitFor();
      assert.ok(
        ((await page.locator('main h1').first().textContent()) ?? '').includes(BUILD),
        'the hostile build name shows as text',
      );
      const text = (await page.locator('main').textContent()) ?? '';
      assert.ok(text.includes("window.__pwned='comment'"), 'the promotion comment shows as text');
    });

    it('every file URL, opened directly, runs nothing (attachments download, inline is sandboxed)', async () => {
      for (const url of fileUrls) {
        const head = await call(server, 'HEAD', url);
        assert.equal(head.status, 200, url);
        assert.equal(head.headers.get('content-security-policy'), "default-src 'none'; sandbox");
        if (/^attachment;/.test(head.headers.get('content-disposition') ?? '')) {
          const download = page.waitForEvent('download');
          await page.goto(`${server.url}${url}`).catch((err: unknown) => {
            // Chromium answers a download with "Download is starting" instead of a page.
            assert.match(String(err), /Download is starting|net::ERR_ABORTED/, url);
          });
          assert.ok((await download).suggestedFilename(), `${url} was downloaded, not rendered`);
          continue;
        }
        try {
          await page.goto(`${server.url}${url}`);
          await page.waitForLoadState('networkidle');
        } catch (err) {
          // A passive type Chromium chooses to download rather than show.
          assert.match(String(err), /Download is starting|net::ERR_ABORTED/, url);
        }
        assert.equal(await pwned(), undefined, `${url}: a payload ran`);
      }
      // The generated folder listing of the hostile names.
      await page.goto(`${server.url}/generic-staging/${enc(FOLDER)}/`);
      await page.waitForLoadState('networkidle');
      assert.equal(await pwned(), undefined);
      assert.deepEqual(await injected(), []);
      assert.deepEqual(dialogs, [], 'no payload opened a dialog');
      assert.deepEqual(hits, [], 'no payload reached the listener');
      // The inline repository really rendered the documents (the sandbox is what stopped them).
      await page.goto(`${server.url}/reports/page.html`);
      assert.equal(await page.evaluate('document.querySelectorAll("script").length'), 2);
      assert.equal(await pwned(), undefined);
    });
  },
);
