/**
 * The web UI at `/ui/`: one HTML shell for every page, plus the bundled script and style sheet
 * (built by esbuild from `src/ui/web/` into `dist/ui/assets/`). The shell and the assets are
 * public; every piece of data the pages show comes from the REST API with its own token checks,
 * so the UI can never show or change more than the token it is given allows.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../errors.ts';

export interface UiOptions {
  /** Where the built assets are; by default `dist/ui/assets` of this package. */
  assetsDir?: string;
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Only what the UI's own files need: no inline script or style, no other origin, no framing.
 * `img-src data:` is for the empty favicon (so the browser does not ask for /favicon.ico).
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The assets inlined by the CLI's single-file bundle (packages/cli/scripts/bundle.ts): file name
 * to base64 content. Unset everywhere else, where they are read from `assetsDir`.
 */
declare const STOWAGE_UI_ASSETS: Record<string, string> | undefined;

function inlinedAssets(): Map<string, Asset> | undefined {
  if (typeof STOWAGE_UI_ASSETS !== 'object') return undefined;
  const out = new Map<string, Asset>();
  for (const [name, base64] of Object.entries(STOWAGE_UI_ASSETS)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (type) out.set(name, asset(Buffer.from(base64, 'base64'), type));
  }
  return out;
}

function asset(body: Buffer, type: string): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, type, etag };
}

/** `dist/ui/assets` next to the compiled plugin, or of the package when running from `src/`. */
function defaultAssetsDir(): string {
  const here = new URL('./assets/', import.meta.url);
  const built = new URL('../../dist/ui/assets/', import.meta.url);
  const first = fileURLToPath(here);
  return existsSync(first) ? first : fileURLToPath(built);
}

async function loadAssets(dir: string): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type) continue;
    out.set(name, asset(await readFile(`${dir}/${name}`), type));
  }
  return out;
}

/** The page every `/ui/…` URL answers; the script renders the route from `location`. */
export function shellHtml(ready: boolean): string {
  const missing = ready
    ? ''
    : '<p class="notice error">The UI assets are not built: run <code>npm run build</code>.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Stowage</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/assets/ui.css">
<script type="module" src="/ui/assets/ui.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/ui/">Stowage</a>
<nav aria-label="Main"><ul>
<li><a href="/ui/builds">Builds</a></li>
<li><a href="/ui/repos">Repositories</a></li>
</ul></nav>
<div id="session" class="session"></div>
</header>
<main id="main" tabindex="-1">
${missing}<noscript><p class="notice">The Stowage UI needs JavaScript. The REST API under <code>/api/</code> works without it.</p></noscript>
<p class="loading">Loading…</p>
</main>
</body>
</html>
`;
}

function secure(reply: FastifyReply): FastifyReply {
  return reply.headers(SECURITY_HEADERS);
}

export async function uiRoutes(app: FastifyInstance, opts: UiOptions = {}): Promise<void> {
  const dir = opts.assetsDir ?? defaultAssetsDir();
  const assets = (opts.assetsDir ? undefined : inlinedAssets()) ?? (await loadAssets(dir));
  const ready = assets.has('ui.js') && assets.has('ui.css');
  // Said at info level, so `serve --json --log-level warn` still prints its start line first.
  if (!ready) app.log.info({ dir }, 'web UI assets are missing; /ui/ shows a notice');
  const shell = Buffer.from(shellHtml(ready));

  app.get('/ui', { config: { permission: 'public' } }, async (_req, reply) =>
    secure(reply).redirect('/ui/', 301),
  );

  app.get('/ui/assets/:file', { config: { permission: 'public' } }, async (req, reply) => {
    const { file } = req.params as { file: string };
    const asset = assets.get(file);
    if (!asset) throw new HttpError('ERR_NOT_FOUND', `the UI has no asset "${file}"`);
    secure(reply)
      .header('content-type', asset.type)
      .header('etag', asset.etag)
      .header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  });

  // Every other /ui/ path is a page: the script reads the path and renders it.
  app.get('/ui/*', { config: { permission: 'public' } }, async (_req, reply) =>
    secure(reply)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(shell),
  );
}
