/**
 * The Stowage web UI: history routing under /ui/, a sign-in form for an API token, and one
 * render function per page. Everything shown comes from the REST API with the person's token.
 */
import { ApiError, api, session } from './api.ts';
import { fill, h, notice } from './dom.ts';
import { setRefresh, type Page, type Render } from './page.ts';
import { buildNamePage, buildPage, buildsPage, setNavigate } from './pages/builds.ts';
import { chartsPage } from './pages/charts.ts';
import { diffPage } from './pages/diff.ts';
import { repoPage, reposPage } from './pages/repos.ts';

/** Captures are decoded one segment each, except for routes marked raw (they split paths). */
const ROUTES: [RegExp, Render, 'raw'?][] = [
  [/^\/ui\/?$/, buildsPage],
  [/^\/ui\/builds\/?$/, buildsPage],
  [/^\/ui\/builds\/([^/]+)\/charts\/?$/, chartsPage],
  [/^\/ui\/builds\/([^/]+)\/([^/]+)\/diff\/([^/]+)\/?$/, diffPage],
  [/^\/ui\/builds\/([^/]+)\/([^/]+)\/?$/, buildPage],
  [/^\/ui\/builds\/([^/]+)\/?$/, buildNamePage],
  [/^\/ui\/repos\/?$/, reposPage],
  [/^\/ui\/repos\/(.+?)\/?$/, (p) => repoPage((p[0] ?? '').split('/').map(decode)), 'raw'],
];

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function errorPage(err: unknown): Page {
  if (err instanceof ApiError && err.status === 401) {
    const invalid = err.code === 'ERR_AUTH_INVALID';
    return {
      title: 'Sign in',
      content: [
        h('h1', { tabindex: '-1' }, invalid ? 'The token was refused' : 'Sign in to read'),
        notice(
          'error',
          invalid
            ? `The server did not accept the token (${err.message}). Sign out, then sign in with a valid token.`
            : `This server needs a token to read (anonymous read is off). Paste an API token into the sign-in form at the top of the page. (The server answered 401 ${err.code}.)`,
        ),
      ],
    };
  }
  if (err instanceof ApiError && err.status === 403) {
    return {
      title: 'Not allowed',
      content: [
        h('h1', { tabindex: '-1' }, 'Not allowed'),
        notice('error', `Your token may not see this (${err.message}).`),
      ],
    };
  }
  if (err instanceof ApiError && err.status === 404) {
    return {
      title: 'Not found',
      content: [h('h1', { tabindex: '-1' }, 'Not found'), notice('error', err.message)],
    };
  }
  return {
    title: 'Error',
    content: [
      h('h1', { tabindex: '-1' }, 'Something went wrong'),
      notice('error', err instanceof ApiError ? `${err.message} (${err.code})` : String(err)),
    ],
  };
}

const main = (): HTMLElement => document.getElementById('main') as HTMLElement;
let seq = 0;

async function render(opts: { focus: boolean }): Promise<void> {
  const mine = ++seq;
  const path = location.pathname;
  let page: Page;
  const route = ROUTES.find(([re]) => re.test(path));
  try {
    if (!route) {
      page = {
        title: 'Not found',
        content: [
          h('h1', { tabindex: '-1' }, 'Not found'),
          notice('error', `The UI has no page at ${path}.`),
        ],
      };
    } else {
      const captures = (route[0].exec(path) ?? []).slice(1);
      const params = route[2] === 'raw' ? captures : captures.map(decode);
      page = await route[1](params);
    }
  } catch (err) {
    page = errorPage(err);
  }
  if (mine !== seq) return; // a newer navigation won
  document.title = `${page.title} — Stowage`;
  const m = main();
  m.replaceChildren();
  fill(m, page.content);
  m.setAttribute('aria-busy', 'false');
  for (const a of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
    const here =
      path === a.pathname ||
      path.startsWith(`${a.pathname}/`) ||
      (path.replace(/\/$/, '') === '/ui' && a.pathname === '/ui/builds');
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (opts.focus) (m.querySelector('h1') ?? m).focus();
}

export function navigate(href: string): void {
  history.pushState(null, '', href);
  void render({ focus: true });
}

function renderSession(): void {
  const box = document.getElementById('session');
  if (!box) return;
  const token = session.token;
  if (token) {
    box.replaceChildren(
      h('span', { class: 'who' }, 'Signed in with a token'),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            session.clear();
            renderSession();
            void render({ focus: false });
          },
        },
        'Sign out',
      ),
    );
    return;
  }
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-msg',
  });
  const msg = h('span', { id: 'token-msg', class: 'token-msg', role: 'status' });
  box.replaceChildren(
    h(
      'form',
      {
        class: 'signin',
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const value = input.value.trim();
          if (!value) return;
          msg.textContent = 'Checking…';
          try {
            // Any authenticated read proves the token; an invalid one is a 401 even with anonymous read on.
            await api('/api/system/version', { token: value });
          } catch (err) {
            msg.textContent =
              err instanceof ApiError && err.status === 401
                ? 'That token is not valid.'
                : `Could not check the token: ${(err as Error).message}`;
            input.focus();
            return;
          }
          session.set(value);
          renderSession();
          await render({ focus: false });
          document.querySelector<HTMLButtonElement>('#session button')?.focus();
        },
      },
      h('label', { for: 'token' }, 'API token'),
      input,
      h('button', { type: 'submit' }, 'Sign in'),
      msg,
    ),
  );
}

function onClick(ev: MouseEvent): void {
  if (
    ev.defaultPrevented ||
    ev.button !== 0 ||
    ev.metaKey ||
    ev.ctrlKey ||
    ev.shiftKey ||
    ev.altKey
  )
    return;
  const a = (ev.target as Element | null)?.closest('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (!a.pathname.startsWith('/ui/') && a.pathname !== '/ui') return;
  if (a.pathname.startsWith('/ui/assets/')) return;
  ev.preventDefault();
  if (a.pathname === location.pathname && a.search === location.search) return;
  navigate(a.pathname + a.search);
}

function start(): void {
  setNavigate(navigate);
  setRefresh(() => render({ focus: false }));
  renderSession();
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => void render({ focus: true }));
  void render({ focus: false });
}

start();
