/** `stowage go publish <dir> <version> --repo r`: publish a Go module version. */
import type { Command } from 'commander';
import { publishGoModule } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { Session } from '../internal/session.ts';

export function goCommand(program: Command, ctx: RunContext): void {
  const go = program.command('go').summary('Go modules: publish a module version');
  go.command('publish')
    .summary('build a module zip from a directory and publish it')
    .description(
      'Builds the module zip of <dir> (the directory holding go.mod) by the Go module zip\n' +
        'rules — files under {module}@{version}/, without vendor/, nested modules or VCS\n' +
        'directories — and publishes it to --repo; the server adds the .mod and .info.\n' +
        'With a build (--build-name/--build-number or the CI run) the files are stamped with it.',
    )
    .argument('<dir>', 'module root')
    .argument('<version>', 'canonical version, e.g. v1.2.3')
    .requiredOption(
      '--repo <key>',
      'Go repository to publish to (local, or virtual with a default)',
    )
    .addHelpText('after', '\nExample:\n  stowage go publish ./greeter v1.0.0 --repo go-local\n')
    .action(async (dir: string, version: string, opts: { repo: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
      const build = s.build();
      const res = await publishGoModule({
        url: s.url,
        repo: opts.repo,
        dir: s.path(dir),
        version,
        ...(token ? { token } : {}),
        ...(ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {}),
        ...(build ? { build } : {}),
      });
      if (s.json) s.printJson(res);
      else
        s.out(`published ${res.module}@${res.version} to ${res.repo} (${res.files.length} files)`);
    });
}
