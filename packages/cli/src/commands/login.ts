/**
 * `stowage login --oidc <provider> --id-token <jwt|@file>`: exchanges a CI job's OIDC ID token
 * (GitLab's `id_tokens`, Jenkins' OpenID Connect credentials, a GitHub job outside the setup
 * action, …) for a short-lived token scoped by the server's identity mappings, and prints it:
 *
 *   export STOWAGE_TOKEN="$(stowage login --oidc gitlab --id-token @"$ID_TOKEN_FILE")"
 *
 * The token is the only thing on stdout (or, with --json, the whole answer); what it may do goes
 * to stderr.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RunContext } from '../internal/context.ts';
import { CliError, UsageError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

/** Where an ID token may come from when --id-token is not given. */
export const ID_TOKEN_ENV = 'STOWAGE_OIDC_ID_TOKEN';

interface LoginOptions {
  oidc?: string;
  idToken?: string;
}

async function idToken(s: Session, given: string | undefined): Promise<string> {
  const spec = given ?? s.ctx.env[ID_TOKEN_ENV] ?? '';
  if (spec === '') {
    throw new UsageError(
      `pass the ID token as --id-token <jwt|@file> (or in ${ID_TOKEN_ENV}); prefer @file so the token is not in the process list`,
    );
  }
  if (!spec.startsWith('@')) return spec.trim();
  const file = s.path(spec.slice(1));
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new CliError(
      'ERR_CLI_FILE',
      `cannot read the ID token from ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export function loginCommand(program: Command, ctx: RunContext): void {
  program
    .command('login')
    .summary('exchange a CI OIDC ID token for a short-lived scoped token (--oidc)')
    .description(
      "Exchanges a CI job's OIDC ID token at the server's POST /access/api/v1/oidc/token\n" +
        "(JFrog's token-exchange shape) and prints the minted token, e.g.\n" +
        '  export STOWAGE_TOKEN="$(stowage login --oidc gitlab --id-token @id_token.jwt)"\n' +
        'The server verifies the token against the named provider (issuer, audience, keys) and\n' +
        'scopes the new token by the identity mapping its claims match. No stored secret needed.',
    )
    .option('--oidc <provider>', 'the OIDC provider name configured on the server')
    .option(
      '--id-token <jwt|@file>',
      `the ID token, or @file holding it (default $${ID_TOKEN_ENV})`,
    )
    .action(async (opts: LoginOptions, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if (!opts.oidc) {
        throw new UsageError(
          'stowage login exchanges an OIDC ID token: pass --oidc <provider> and --id-token <jwt|@file>',
        );
      }
      const provider = opts.oidc;
      const jwt = await idToken(s, opts.idToken);
      if (jwt.split('.').length !== 3) {
        throw new UsageError(
          'the ID token is not a JWT (three dot-separated parts); pass the token as the CI system issued it',
        );
      }
      const minted = await s.withClient((c) =>
        c.exchangeOidcToken({
          provider,
          idToken: jwt,
          ...(ctx.env.GITHUB_JOB ? { ghJobId: ctx.env.GITHUB_JOB } : {}),
          ...(ctx.env.GITHUB_RUN_ID ? { ghRunId: ctx.env.GITHUB_RUN_ID } : {}),
          ...(ctx.env.GITHUB_REPOSITORY ? { ghRepo: ctx.env.GITHUB_REPOSITORY } : {}),
        }),
      );
      if (s.json) {
        s.printJson({
          token: minted.token,
          user: minted.username,
          scopes: minted.scope ? minted.scope.split(' ') : [],
          ...(minted.expiresIn !== undefined ? { expiresIn: minted.expiresIn } : {}),
        });
        return;
      }
      s.out(minted.token);
      s.err(
        `stowage: token for ${minted.username || 'the mapped user'}` +
          `${minted.expiresIn !== undefined ? `, valid ${minted.expiresIn} s` : ''}` +
          `; scopes: ${minted.scope || "(the user's grants)"}`,
      );
    });
}
