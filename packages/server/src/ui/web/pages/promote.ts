/**
 * The promote form: pick a stage, add a comment, see what a dry run would move, then promote.
 * It always goes through `POST /api/build/promote/{name}/{number}`: the server decides whether
 * the token may promote, and a 401/403 is shown as what it is.
 */
import { ApiError, calls, session, type PromotionMessage, type Stage } from '../api.ts';
import { h, notice } from '../dom.ts';
import { refresh } from '../page.ts';

/** Shown once after the page re-renders with the new status. */
let flash: { key: string; text: string } | undefined;

/** Why the server said no, for a person: `action` is a verb ("promote"), `doing` its -ing form. */
export function refusal(err: unknown, action: string, doing: string): string {
  if (err instanceof ApiError) {
    if (err.status === 401) {
      return session.token
        ? `The server refused to ${action}: the token is not valid (${err.message}). Sign out and sign in with a valid token.`
        : `${doing} needs a token: sign in with a token that may ${action}. (The server answered 401 ${err.code}.)`;
    }
    if (err.status === 403)
      return `Your token may not ${action} (the server answered 403: ${err.message}).`;
    return `Could not ${action}: ${err.message} (${err.code}).`;
  }
  return `Could not ${action}: ${(err as Error).message}`;
}

function messageList(messages: PromotionMessage[]): HTMLElement {
  return h(
    'ul',
    { class: 'messages' },
    messages.map((m) =>
      h('li', { class: m.level }, m.level === 'info' ? '' : `${m.level}: `, m.message),
    ),
  );
}

/** The stage after the one the build last reached (the second stage for a fresh build). */
export function nextStage(stages: Stage[], latest: string | undefined): string | undefined {
  const at = stages.findIndex((st) => st.name === latest);
  const next = stages[at < 0 ? 1 : at + 1] ?? stages[stages.length - 1];
  return next?.name;
}

export async function promoteSection(
  name: string,
  number: string,
  latest: string | undefined,
): Promise<HTMLElement> {
  const key = `${name}\u0000${number}`;
  let stages: Stage[] = [];
  let stagesError = '';
  try {
    stages = await calls.stages();
  } catch (err) {
    stagesError = refusal(err, 'read the stages', 'Reading the stages');
  }
  const out = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
  const section = h(
    'section',
    { 'aria-labelledby': 'h-promote', class: 'promote' },
    h('h2', { id: 'h-promote', tabindex: '-1' }, 'Promote'),
  );
  if (flash?.key === key) {
    out.append(notice('ok', flash.text));
    flash = undefined;
  }
  if (stagesError || stages.length === 0) {
    section.append(
      notice('error', stagesError || 'The server has no promotion stages configured.'),
    );
    return section;
  }
  const preferred = nextStage(stages, latest);
  const stage = h(
    'select',
    { id: 'promote-stage', name: 'stage', required: true },
    stages.map((st) =>
      h('option', { value: st.name, selected: st.name === preferred }, `${st.name} (${st.repo})`),
    ),
  );
  const comment = h('input', {
    id: 'promote-comment',
    name: 'comment',
    type: 'text',
    maxlength: '500',
    autocomplete: 'off',
  });
  const dry = h('button', { type: 'submit', name: 'dry-run' }, 'Dry run');
  const go = h(
    'button',
    { type: 'button', class: 'primary', disabled: true, 'aria-describedby': 'promote-help' },
    'Promote',
  );
  let checked: string | undefined;
  const current = (): { st: Stage; body: Record<string, unknown>; sig: string } => {
    const st = stages.find((x) => x.name === stage.value) ?? (stages[0] as Stage);
    const body: Record<string, unknown> = { status: st.name, targetRepo: st.repo };
    if (comment.value.trim()) body.comment = comment.value.trim();
    return { st, body, sig: JSON.stringify(body) };
  };
  const reset = (): void => {
    checked = undefined;
    go.disabled = true;
    go.textContent = 'Promote';
  };
  stage.addEventListener('change', reset);
  comment.addEventListener('input', reset);

  const form = h(
    'form',
    {
      class: 'stack',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const { st, body, sig } = current();
        dry.disabled = true;
        out.replaceChildren(h('p', null, `Checking what a promotion to ${st.name} would move…`));
        try {
          const res = await calls.promote(name, number, { ...body, dryRun: true });
          out.replaceChildren(
            h('p', null, `Dry run for ${st.name} (${st.repo}): nothing has changed yet.`),
            messageList(res.messages),
          );
          checked = sig;
          go.disabled = false;
          go.textContent = `Promote to ${st.name}`;
        } catch (err) {
          out.replaceChildren(notice('error', refusal(err, 'promote', 'Promoting')));
        } finally {
          dry.disabled = false;
        }
      },
    },
    h(
      'p',
      { id: 'promote-help', class: 'hint' },
      session.token
        ? 'Run a dry run first to see what would move; then promote.'
        : 'Promoting needs a token: sign in first. Run a dry run to see what would move; then promote.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'promote-stage' }, 'Target stage'), stage),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'promote-comment' }, 'Comment (optional)'),
      comment,
    ),
    h('div', { class: 'buttons' }, dry, go),
  );
  go.addEventListener('click', async () => {
    const { st, body, sig } = current();
    if (checked !== sig) return reset();
    go.disabled = true;
    out.replaceChildren(h('p', null, `Promoting to ${st.name}…`));
    try {
      const res = await calls.promote(name, number, body);
      flash = {
        key,
        text: res.messages[res.messages.length - 1]?.message ?? `Promoted to ${st.name}.`,
      };
      await refresh();
      document.getElementById('h-promote')?.focus();
    } catch (err) {
      out.replaceChildren(notice('error', refusal(err, 'promote', 'Promoting')));
      reset();
    }
  });
  section.append(form, out);
  return section;
}
