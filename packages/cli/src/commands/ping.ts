/**
 * `stowage ping`: is the server there, and does it take the token? What a pipeline checks
 * before it writes any configuration (Jenkins' stowageSetup runs it first).
 */
import type { Command } from 'commander';
import { isStowageError } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { CliError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

export function pingCommand(program: Command, ctx: RunContext): void {
  program
    .command('ping')
    .summary('check that the server answers and accepts the token')
    .description(
      'Pings the server (GET /api/system/ping), then asks for its version with the token\n' +
        '(GET /api/system/version), which needs a valid token unless the server allows\n' +
        'anonymous reads. Exits 1 with the reason when either fails.',
    )
    .action(async (_opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const version = await s.withClient(async (c) => {
        try {
          await c.ping();
          return await c.version();
        } catch (err) {
          if (isStowageError(err) && (err.status === 401 || err.status === 403)) {
            throw new CliError(
              'ERR_CLI_TOKEN_REFUSED',
              `${s.url} answers, but ${s.hasToken ? 'refuses the token' : 'needs a token'} (${err.message}); ${s.hasToken ? 'check STOWAGE_TOKEN (or --token): it may be revoked or expired' : 'set STOWAGE_TOKEN or pass --token'}`,
            );
          }
          throw err;
        }
      });
      if (s.json) {
        s.printJson({ url: s.url, reachable: true, authenticated: s.hasToken, version });
      } else {
        s.out(
          `${s.url}: Stowage ${version.version} answers${s.hasToken ? ' and accepts the token' : ' (no token given: anonymous)'}`,
        );
      }
    });
}
