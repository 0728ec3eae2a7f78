/** `stowage token create|list|revoke` and `stowage audit`: scoped tokens and the audit trail. */
import type { Command } from 'commander';
import type { AuditQuery } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { UsageError } from '../internal/errors.ts';
import { Session, positiveInt } from '../internal/session.ts';

/** `90s`, `30m`, `12h`, `7d` or a number of seconds. */
function duration(v: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(v.trim());
  if (!m) throw new UsageError(`--expires-in "${v}" must be seconds, or e.g. 30m, 12h, 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[
    (m[2] ?? '') as '' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function tokenCommand(program: Command, ctx: RunContext): void {
  const token = program
    .command('token')
    .summary('issue, list and revoke scoped access tokens')
    .description(
      'A token acts for a user (default: the caller). With --scope it can do no more than its\n' +
        'scopes say, and never more than its user. Scopes: admin, repo:<keyPattern>:<action>\n' +
        '(read, annotate, deploy, delete, manage), build:<namePattern>:<action> (read, publish,\n' +
        'delete, promote:<stage>, promote:*). Patterns use *.',
    );

  token
    .command('create')
    .summary('issue a token (its secret is shown this once)')
    .option('--user <name>', 'the user it acts for (admins only; default: yourself)')
    .option('--scope <scope>', 'a scope; repeat for more', collect)
    .option('--description <text>', 'what the token is for')
    .option('--expires-in <duration>', 'lifetime: seconds, or e.g. 30m, 12h, 7d')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage token create --user ci --scope "repo:generic-staging:deploy" --scope "build:nightly-*:publish" --expires-in 30d\n' +
        '  stowage token create --scope "build:*:promote:qa" --description "QA sign-off" --json\n',
    )
    .action(
      async (
        opts: { user?: string; scope?: string[]; description?: string; expiresIn?: string },
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        const issued = await s.withClient((c) =>
          c.createToken({
            ...(opts.user ? { user: opts.user } : {}),
            ...(opts.scope?.length ? { scopes: opts.scope } : {}),
            ...(opts.description ? { description: opts.description } : {}),
            ...(opts.expiresIn ? { expiresInSec: duration(opts.expiresIn) } : {}),
          }),
        );
        if (s.json) return s.printJson(issued);
        s.out(issued.token);
        s.err(
          `token ${issued.id} for ${issued.user}: ${issued.scopes.length ? issued.scopes.join(' ') : "the user's own grants"}${issued.expires ? `, expires ${issued.expires}` : ''}`,
        );
      },
    );

  token
    .command('list')
    .summary('list tokens (never their secrets)')
    .option('--user <name>', "only this user's tokens (admins)")
    .action(async (opts: { user?: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const list = await s.withClient((c) => c.listTokens(opts.user ? { user: opts.user } : {}));
      if (s.json) return s.printJson({ tokens: list });
      if (list.length === 0) return s.out('no tokens');
      for (const t of list) {
        const scopes = t.scopes.length ? t.scopes.join(' ') : '(user grants)';
        s.out(
          `${t.id}  ${t.user}  ${scopes}  created ${t.created}${t.expires ? `  expires ${t.expires}` : ''}${t.lastUsed ? `  last used ${t.lastUsed}` : ''}${t.description ? `  "${t.description}"` : ''}`,
        );
      }
    });

  token
    .command('revoke')
    .summary('revoke a token by id; it stops working at once')
    .argument('<id...>', 'token ids (see `stowage token list`)')
    .action(async (ids: string[], _opts: unknown, cmd: Command) => {
      const s = new Session(ctx, cmd);
      await s.withClient(async (c) => {
        for (const id of ids) await c.revokeToken(id);
      });
      if (s.json) return s.printJson({ revoked: ids });
      for (const id of ids) s.out(`revoked ${id}`);
    });
}

export function auditCommand(program: Command, ctx: RunContext): void {
  program
    .command('audit')
    .summary('show the audit trail: who changed what, when, from where')
    .option('--user <name>', 'only changes by this user')
    .option('--action <action>', 'e.g. build.promote, or a prefix ending in "." (artifact.)')
    .option('--repo <key>', 'only changes in this repository')
    .option('--build-name <name>', 'only changes of this build')
    .option('--build-number <number>', 'and this build number')
    .option('--since <date>', 'ISO date or epoch ms')
    .option('--until <date>', 'ISO date or epoch ms')
    .option('--limit <n>', 'at most this many entries (newest first)', '100')
    .addHelpText(
      'after',
      '\nExample: who promoted build 42 to release, and who approved it:\n' +
        '  stowage audit --action build.promote --build-name nightly-report --build-number 42\n',
    )
    .action(
      async (
        opts: {
          user?: string;
          action?: string;
          repo?: string;
          buildName?: string;
          buildNumber?: string;
          since?: string;
          until?: string;
          limit: string;
        },
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        const q: AuditQuery = { limit: positiveInt(opts.limit, '--limit') };
        for (const k of [
          'user',
          'action',
          'repo',
          'buildName',
          'buildNumber',
          'since',
          'until',
        ] as const)
          if (opts[k]) q[k] = opts[k];
        const entries = await s.withClient((c) => c.audit(q));
        if (s.json) return s.printJson({ entries });
        if (entries.length === 0) return s.out('no entries');
        for (const e of entries) {
          const what = [
            e.repo ? `${e.repo}${e.path ? `/${e.path.replace(/^\//, '')}` : ''}` : '',
            e.buildName ? `${e.buildName}${e.buildNumber ? ` #${e.buildNumber}` : ''}` : '',
            e.details ? JSON.stringify(e.details) : '',
          ]
            .filter(Boolean)
            .join('  ');
          const by = `${e.user}${e.tokenId ? ` (token ${e.tokenId})` : ''}${e.ip ? ` from ${e.ip}` : ''}`;
          s.out(`${e.time}  ${e.action}  ${by}  ${what}`);
        }
      },
    );
}
