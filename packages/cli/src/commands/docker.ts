/**
 * `stowage docker push|pull|record|layers|diff`: container images through Stowage's registry
 * with skopeo, recorded as build-info modules of type docker, and their layers per image or build.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  dockerModule,
  formatStarted,
  isStowageError,
  moduleIdOf,
  parseImageRef,
  readRemoteImage,
  registryLocation,
  skopeoCopy,
  skopeoLocation,
  type BuildInfo,
  type ImageRef,
  type Module,
  type RemoteImage,
} from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { UsageError } from '../internal/errors.ts';
import { formatBytes, formatTable } from '../internal/format.ts';
import { Session, type BuildRef } from '../internal/session.ts';

interface CopyOptions {
  all?: boolean;
  module?: string;
  skopeo?: string;
  skopeoArg: string[];
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** `name/number` (split at the last slash, so a name may hold slashes). */
export function parseBuildRef(text: string): BuildRef {
  const slash = text.lastIndexOf('/');
  const name = text.slice(0, slash);
  const number = text.slice(slash + 1);
  if (slash <= 0 || number === '')
    throw new UsageError(`"${text}" is not a build: write it as name/number, e.g. img-job/7`);
  return { name, number };
}

/** Images are `{repo}/{image}:{tag}` or `…@sha256:…`; anything without `:` or `@` is a build. */
const looksLikeImage = (text: string): boolean => /[:@]/.test(text);

export function dockerCommand(program: Command, ctx: RunContext): void {
  const docker = program
    .command('docker')
    .summary('container images: push/pull with skopeo, record them in build-info, layer sizes');

  const copyOptions = (c: Command): Command =>
    c
      .option('--all', 'copy every platform of a multi-platform index (skopeo --multi-arch all)')
      .option('--module <id>', 'build-info module id (default: {image}:{tag})')
      .option('--skopeo <path>', 'the skopeo program (env STOWAGE_SKOPEO, default skopeo)')
      .option('--skopeo-arg <arg>', 'one more argument for skopeo copy (repeatable)', collect, []);

  copyOptions(
    docker
      .command('push')
      .summary('copy an image into Stowage with skopeo and record it in the build')
      .description(
        'Runs `skopeo copy <source> docker://{host}/{repo}/{image}:{tag}` with the Stowage token\n' +
          '(in a temporary auth file, never on the command line), then reads the manifest back\n' +
          'from the registry and, with a build (--build-name/--build-number or the CI run), adds a\n' +
          'build-info module of type docker: id {image}:{tag}, the manifest digest, tag and\n' +
          'platform as properties, each layer and the config blob as an artifact sha256__{hex}.\n' +
          '<source> is in skopeo transport syntax (oci:layout:tag, oci-archive:x.tar,\n' +
          'docker-archive:x.tar, docker-daemon:img:tag, dir:path); a bare path is an OCI layout.',
      )
      .argument('<source>', 'the image to push, in skopeo transport syntax')
      .argument('<image>', 'where in Stowage: {repo}/{image}:{tag}'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage docker push oci:build/layout:app docker-local/etl:42 --build-name etl --build-number 42\n' +
        '  stowage docker push docker-daemon:etl:42 docker-local/etl:42\n' +
        '  stowage docker push docker-archive:etl.tar docker-local/etl:42\n',
    )
    .action(async (source: string, image: string, opts: CopyOptions, cmd: Command) => {
      await copy(new Session(ctx, cmd), 'push', source, image, opts);
    });

  copyOptions(
    docker
      .command('pull')
      .summary('copy an image out of Stowage with skopeo; its layers become build dependencies')
      .description(
        'Runs `skopeo copy docker://{host}/{repo}/{image}:{tag} <dest>` with the Stowage token and,\n' +
          'with a build, records the image as a docker module whose dependencies are its layers\n' +
          'and config blob (sha256__{hex} with their sha256). <dest> is in skopeo transport syntax;\n' +
          'a bare path is an OCI layout (oci:path).',
      )
      .argument('<image>', 'what to pull: {repo}/{image}:{tag} or {repo}/{image}@sha256:…')
      .argument('<dest>', 'where to, in skopeo transport syntax'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage docker pull docker/etl:42 oci:out/layout:etl\n' +
        '  stowage docker pull docker/etl:42 docker-daemon:etl:42\n',
    )
    .action(async (image: string, dest: string, opts: CopyOptions, cmd: Command) => {
      await copy(new Session(ctx, cmd), 'pull', dest, image, opts);
    });

  docker
    .command('record')
    .summary('record an image already in Stowage as a docker module of the build')
    .description(
      'For images pushed with docker, buildx or podman: reads {repo}/{image}:{tag} from the\n' +
        'registry and adds the same docker module `stowage docker push` adds (--as pull: the\n' +
        'layers as dependencies instead). Needs a build (--build-name/--build-number or the CI run).',
    )
    .argument('<image>', '{repo}/{image}:{tag}')
    .option('--module <id>', 'build-info module id (default: {image}:{tag})')
    .option('--as <kind>', 'push (layers are artifacts) or pull (layers are dependencies)', 'push')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  docker push 127.0.0.1:8081/docker-local/etl:42\n' +
        '  stowage docker record docker-local/etl:42 --build-name etl --build-number 42\n',
    )
    .action(async (image: string, opts: { module?: string; as: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if (opts.as !== 'push' && opts.as !== 'pull')
        throw new UsageError(`--as must be push or pull, got "${opts.as}"`);
      const build = s.requireBuild();
      const ref = parseImageRef(image);
      const img = await s.withClient((c) => readRemoteImage(c, ref));
      const module = await record(s, build, img, opts.as, opts.module);
      if (s.json) return s.printJson({ ...summary(img), build: { ...build, module: module.id } });
      s.out(`${describe(img)}, recorded in build ${build.name} #${build.number}`);
    });

  docker
    .command('layers')
    .summary('per-layer sizes of an image in Stowage, or of a build’s docker modules')
    .description(
      'With {repo}/{image}:{tag} (anything holding ":" or "@"): the layers the registry keeps for\n' +
        'that manifest (each platform of an index). With a build written name/number: the layers\n' +
        'of its docker modules, from the published build-info (else the local store).',
    )
    .argument('<image-or-build>', '{repo}/{image}:{tag}, or a build as name/number')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage docker layers docker-local/etl:42\n' +
        '  stowage docker layers etl/42\n',
    )
    .action(async (target: string, _opts: unknown, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if (looksLikeImage(target)) await imageLayers(s, parseImageRef(target));
      else await buildLayers(s, parseBuildRef(target));
    });

  docker
    .command('diff')
    .summary('shared and new layers, and the size change, between two builds’ images')
    .description(
      'Compares the docker modules of two published builds (server analytics, images matched by\n' +
        'name, tags ignored): the layers the newer build shares with the older, the new ones, the\n' +
        'removed ones, and the image size change. Builds are written name/number; the first is\n' +
        'the older.',
    )
    .argument('<from>', 'the older build, name/number')
    .argument('<to>', 'the newer build, name/number')
    .option('--layers', 'list every layer')
    .addHelpText('after', '\nExample:\n  stowage docker diff etl/41 etl/42\n')
    .action(async (fromText: string, toText: string, opts: { layers?: boolean }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const from = parseBuildRef(fromText);
      const to = parseBuildRef(toText);
      const d = await s.withClient((c) =>
        c.imageDiff({ name: to.name, number: to.number, other: from.number, otherName: from.name }),
      );
      const images = d.images.map((i) => {
        const before = i.shared.bytes + i.removed.bytes;
        const after = i.shared.bytes + i.new.bytes;
        return { ...i, fromBytes: before, toBytes: after, change: after - before };
      });
      if (s.json) return s.printJson({ ...d, images });
      if (images.length === 0)
        return s.out(
          `no docker modules in ${from.name} #${from.number} or ${to.name} #${to.number}`,
        );
      s.out(`${from.name} #${from.number} → ${to.name} #${to.number}`);
      s.out(
        formatTable(
          ['IMAGE', 'FROM', 'TO', 'SHARED', 'NEW', 'REMOVED', 'SIZE', 'CHANGE'],
          images.map((i) => [
            i.image,
            i.from ?? '-',
            i.to ?? '-',
            `${i.shared.count} (${formatBytes(i.shared.bytes)})`,
            `${i.new.count} (${formatBytes(i.new.bytes)})`,
            `${i.removed.count} (${formatBytes(i.removed.bytes)})`,
            `${formatBytes(i.fromBytes)} → ${formatBytes(i.toBytes)}`,
            signedBytes(i.change),
          ]),
        ),
      );
      if (!opts.layers) return;
      const rows: string[][] = [];
      for (const i of images) {
        for (const [status, set] of [
          ['shared', i.shared],
          ['new', i.new],
          ['removed', i.removed],
        ] as const) {
          for (const l of set.layers)
            rows.push([i.image, status, l.digest, l.size === null ? '?' : String(l.size)]);
        }
      }
      s.out(formatTable(['IMAGE', 'STATUS', 'DIGEST', 'BYTES'], rows));
    });
}

async function copy(
  s: Session,
  direction: 'push' | 'pull',
  location: string,
  imageText: string,
  opts: CopyOptions,
): Promise<void> {
  const ref = parseImageRef(imageText);
  if (direction === 'push' && ref.reference.startsWith('sha256:'))
    throw new UsageError(`push to a tag, not a digest: ${imageText}`);
  const build = s.build();
  const token = s.globals.token ?? s.ctx.env.STOWAGE_TOKEN;
  const user = s.ctx.env.STOWAGE_USER;
  const other = skopeoLocation(location);
  const insecurePolicy = !hasPolicy(s);
  if (insecurePolicy && !s.json)
    s.err('no containers policy.json found: running skopeo with --insecure-policy');
  const res = await skopeoCopy({
    url: s.url,
    direction,
    location: other,
    ref,
    ...(token ? { token } : {}),
    ...(user ? { user } : {}),
    ...(opts.all ? { all: true } : {}),
    insecurePolicy,
    args: opts.skopeoArg,
    skopeo: opts.skopeo ?? s.ctx.env.STOWAGE_SKOPEO ?? 'skopeo',
    env: { ...s.ctx.env },
  });
  const img = await s.withClient((c) => readRemoteImage(c, ref));
  if (direction === 'push' && res.digest && res.digest !== img.digest) {
    s.err(
      `warning: skopeo wrote ${res.digest} but ${imageText} is now ${img.digest} (another push in between?)`,
    );
  }
  const module = build ? await record(s, build, img, direction, opts.module) : undefined;
  const registry = registryLocation(s.url, ref);
  if (s.json) {
    s.printJson({
      ...summary(img),
      source: direction === 'push' ? other : registry,
      dest: direction === 'push' ? registry : other,
      build: build && module ? { ...build, module: module.id } : null,
    });
    return;
  }
  const arrow = direction === 'push' ? `${other} → ${registry}` : `${registry} → ${other}`;
  s.out(`${direction === 'push' ? 'pushed' : 'pulled'} ${arrow}`);
  s.out(describe(img) + (build ? `, recorded in build ${build.name} #${build.number}` : ''));
}

async function record(
  s: Session,
  build: BuildRef,
  img: RemoteImage,
  as: 'push' | 'pull',
  id: string | undefined,
): Promise<Module> {
  const module = dockerModule(img, as, id);
  const store = s.store();
  const existing = await store.load(build.name, build.number);
  await store.addPart(build.name, build.number, {
    ...(existing ? {} : { started: formatStarted(new Date()) }),
    modules: [module],
  });
  return module;
}

function summary(img: RemoteImage): Record<string, unknown> {
  return {
    image: `${img.ref.repo}/${img.ref.image}`,
    reference: img.ref.reference,
    module: moduleIdOf(img.ref),
    digest: img.digest,
    mediaType: img.mediaType,
    platforms: img.platforms.map((p) => ({
      platform: p.platform ?? null,
      digest: p.digest,
      config: p.config,
      layers: p.layers,
      size: p.config.size + p.layers.reduce((n, l) => n + l.size, 0),
    })),
  };
}

function describe(img: RemoteImage): string {
  const plats = img.platforms.map((p) => {
    const size = p.config.size + p.layers.reduce((n, l) => n + l.size, 0);
    return `${p.platform ?? 'image'}: ${p.layers.length} layers, ${formatBytes(size)}`;
  });
  return `${img.ref.repo}/${moduleIdOf(img.ref)} ${img.digest} (${plats.join('; ')})`;
}

/** skopeo refuses to run without a trust policy; a machine without one gets --insecure-policy. */
function hasPolicy(s: Session): boolean {
  const home = s.ctx.env.HOME ?? homedir();
  return (
    existsSync(join(home, '.config', 'containers', 'policy.json')) ||
    existsSync('/etc/containers/policy.json')
  );
}

async function imageLayers(s: Session, ref: ImageRef): Promise<void> {
  const view = await s.withClient((c) => c.imageLayers(`${ref.repo}/${ref.image}`, ref.reference));
  if (s.json) return s.printJson(view);
  s.out(
    `${ref.repo}/${moduleIdOf(ref)} ${view.digest} (${view.mediaType}), stored in ${view.storedIn}, ${formatBytes(view.totalSize)}`,
  );
  const rows: string[][] = [];
  const add = (
    platform: string,
    config: { digest: string; size: number } | undefined,
    layers: { digest: string; size: number }[],
  ): void => {
    if (config)
      rows.push([platform, 'config', config.digest, String(config.size), formatBytes(config.size)]);
    layers.forEach((l, i) =>
      rows.push([platform, `layer ${i + 1}`, l.digest, String(l.size), formatBytes(l.size)]),
    );
  };
  if (view.manifests) {
    for (const m of view.manifests) {
      const plat = platformOf(m.platform) ?? m.digest.slice(0, 19);
      if (m.missing) rows.push([plat, 'missing', m.digest, '', '']);
      else add(plat, undefined, m.layers ?? []);
    }
  } else {
    add('-', view.config, view.layers ?? []);
  }
  s.out(formatTable(['PLATFORM', 'BLOB', 'DIGEST', 'BYTES', 'SIZE'], rows));
}

async function buildLayers(s: Session, build: BuildRef): Promise<void> {
  let info: BuildInfo | undefined;
  let from = 'server';
  try {
    info = await s.withClient((c) => c.getBuild(build.name, build.number));
  } catch (err) {
    if (!(isStowageError(err) && err.status === 404)) throw err;
    info = await s.store().load(build.name, build.number);
    from = 'local store';
  }
  if (!info) throw new UsageError(`build ${build.name} #${build.number} was not found`);
  const modules = (info.modules ?? []).filter((m) => m.type === 'docker');
  const images = modules.map((m) => {
    const blobs = [
      ...(m.artifacts ?? []).map((a) => ({
        name: a.name,
        type: a.type,
        sha256: a.sha256,
        size: a.size,
      })),
      ...(m.dependencies ?? []).map((d) => ({
        name: d.id,
        type: d.type,
        sha256: d.sha256,
        size: undefined,
      })),
    ];
    return {
      module: m.id,
      digest: m.properties?.['docker.image.digest'] ?? null,
      platform: m.properties?.['docker.image.platform'] ?? null,
      direction: m.artifacts?.length ? 'push' : 'pull',
      size: blobs.reduce((n, b) => n + (b.size ?? 0), 0),
      layers: blobs.map((b) => ({
        digest: b.sha256 ? `sha256:${b.sha256}` : b.name,
        type: b.type ?? null,
        size: b.size ?? null,
      })),
    };
  });
  if (s.json) return s.printJson({ name: build.name, number: build.number, from, images });
  if (images.length === 0)
    return s.out(`build ${build.name} #${build.number} has no docker modules (${from})`);
  const rows: string[][] = [];
  for (const i of images) {
    rows.push([i.module, i.direction, i.digest ?? '-', '', formatBytes(i.size)]);
    for (const l of i.layers)
      rows.push([
        '',
        `  ${l.type ?? ''}`,
        l.digest,
        l.size === null ? '?' : String(l.size),
        l.size === null ? '?' : formatBytes(l.size),
      ]);
  }
  s.out(`build ${build.name} #${build.number} (${from})`);
  s.out(formatTable(['MODULE', 'BLOB', 'DIGEST', 'BYTES', 'SIZE'], rows));
}

function platformOf(p: Record<string, unknown> | undefined): string | undefined {
  if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string') return undefined;
  return `${p.os}/${p.architecture}${typeof p.variant === 'string' ? `/${p.variant}` : ''}`;
}

function signedBytes(n: number): string {
  return n === 0 ? '0 B' : `${n > 0 ? '+' : '-'}${formatBytes(Math.abs(n))}`;
}
