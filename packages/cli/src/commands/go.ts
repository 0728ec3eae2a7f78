/** `stowage go publish <dir> <version> --repo r`: publish a Go module version. */
import type { Command } from 'commander';
import { formatStarted, publishGoModule } from '@stowage/core';
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
        'With a build (--build-name/--build-number or the CI run) the files are stamped with it\n' +
        'and recorded as a module of type "go" ({module}@{version}) in the local build-info store.',
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
      if (build) {
        const store = s.store();
        const existing = await store.load(build.name, build.number);
        await store.addPart(build.name, build.number, {
          ...(existing ? {} : { started: formatStarted(new Date()) }),
          modules: [
            {
              id: `${res.module}@${res.version}`,
              type: 'go',
              artifacts: res.files.map((f) => ({
                name: f.path.slice(f.path.lastIndexOf('/') + 1),
                path: f.path,
                type: f.path.slice(f.path.lastIndexOf('.') + 1),
                sha1: f.sha1,
                sha256: f.sha256,
                md5: f.md5,
                size: f.size,
              })),
            },
          ],
        });
      }
      if (s.json) s.printJson({ ...res, build: build ?? null });
      else
        s.out(
          `published ${res.module}@${res.version} to ${res.repo} (${res.files.length} files)${build ? `, recorded in build ${build.name} #${build.number}` : ''}`,
        );
    });
}
