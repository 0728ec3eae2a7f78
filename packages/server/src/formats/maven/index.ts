import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { HttpError } from '../../errors.ts';
import type { FormatPlugin, DerivedFile } from '../plugin.ts';
import type { ArtifactRecord, RepoConfig } from '../../internal/metastore.ts';
import type { IncomingBlob, Services } from '../../internal/services.ts';
import { allowedByPatterns, compilePatterns } from '../../internal/antpattern.ts';
import {
  baseName,
  checksumTarget,
  isMetadataPath,
  isSnapshotVersion,
  METADATA_FILE,
  packageOf,
  parentOf,
  parseFile,
  timestampedVersion,
  type ChecksumAlg,
} from './layout.ts';
import {
  lastUpdatedStamp,
  mergeMetadata,
  MetadataError,
  parseMetadata,
  serializeMetadata,
  withVersions,
  type MavenMetadata,
  type SnapshotVersion,
} from './metadata.ts';

/** Metadata documents are small; anything larger than this is refused rather than parsed. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const XML = 'application/xml; charset=utf-8';

async function readAll(body: Readable, limit = MAX_METADATA_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      body.destroy();
      throw new MetadataError(`larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

async function digest(svc: Services, art: ArtifactRecord, alg: ChecksumAlg): Promise<string> {
  if (alg === 'sha1' || alg === 'md5' || alg === 'sha256') return art[alg];
  const h = createHash(alg);
  for await (const chunk of svc.blobs.open(art.sha256)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function hexOf(body: Buffer, alg: ChecksumAlg): string {
  return createHash(alg).update(body).digest('hex');
}

/** The first word of a checksum file (`<hex>` or `<hex>  <file name>`). */
function declaredChecksum(text: string): string {
  return (text.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

async function storeGenerated(
  svc: Services,
  repo: string,
  path: string,
  xml: string,
): Promise<void> {
  const staged = await svc.blobs.stage(Readable.from([Buffer.from(xml, 'utf8')]));
  await svc.commitStaged({ repo, path, staged, user: 'maven', properties: {} });
}

async function readMetadata(svc: Services, art: ArtifactRecord): Promise<MavenMetadata> {
  return await parseMetadata((await readAll(svc.blobs.open(art.sha256))).toString('utf8'));
}

/** Rewrites `g/a/maven-metadata.xml` of a local repository from the versions it holds. */
async function regenerateArtifact(svc: Services, repo: string, ga: string): Promise<void> {
  const artifactId = baseName(ga);
  const groupPath = parentOf(ga);
  const versions = new Set<string>();
  for (const f of await svc.meta.listFiles(repo, ga)) {
    const p = parseFile(f.path);
    if (p && p.artifactId === artifactId && p.groupPath === groupPath) versions.add(p.version);
  }
  if (versions.size === 0) return;
  const md = withVersions(
    { groupId: groupPath.replaceAll('/', '.'), artifactId },
    versions,
    lastUpdatedStamp(Date.now()),
  );
  await storeGenerated(svc, repo, `${ga}/${METADATA_FILE}`, serializeMetadata(md));
}

/** Rewrites `g/a/v-SNAPSHOT/maven-metadata.xml` from the uniquely versioned files it holds. */
async function regenerateSnapshot(svc: Services, repo: string, folder: string): Promise<void> {
  const version = baseName(folder);
  const ga = parentOf(folder);
  const artifactId = baseName(ga);
  const newest = new Map<string, { value: string; build: number; updated: string }>();
  let top: { timestamp: string; buildNumber: number } | undefined;
  for (const f of await svc.meta.listFiles(repo, folder)) {
    const p = parseFile(f.path);
    const value = p && timestampedVersion(p);
    if (!p || !value || p.version !== version || p.artifactId !== artifactId) continue;
    const build = p.buildNumber as number;
    const key = `${p.classifier ?? ''}\0${p.extension}`;
    const prev = newest.get(key);
    if (!prev || build > prev.build)
      newest.set(key, { value, build, updated: (p.timestamp as string).replace('.', '') });
    if (!top || build > top.buildNumber)
      top = { timestamp: p.timestamp as string, buildNumber: build };
  }
  if (!top) return;
  const snapshotVersions: SnapshotVersion[] = [...newest.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, v]) => {
      const [classifier, extension] = key.split('\0') as [string, string];
      const sv: SnapshotVersion = { extension, value: v.value, updated: v.updated };
      if (classifier) sv.classifier = classifier;
      return sv;
    });
  const md: MavenMetadata = {
    groupId: parentOf(ga).replaceAll('/', '.'),
    artifactId,
    version,
    versioning: {
      versions: [],
      snapshot: top,
      lastUpdated: lastUpdatedStamp(Date.now()),
      snapshotVersions,
    },
  };
  await storeGenerated(svc, repo, `${folder}/${METADATA_FILE}`, serializeMetadata(md));
}

/** Keeps a local repository's maven-metadata.xml files right after anything under `g/a/` changed. */
async function refresh(svc: Services, repo: string, path: string): Promise<void> {
  const file = parseFile(path);
  let ga: string;
  let snapshotFolder: string | undefined;
  if (file) {
    ga = file.groupPath ? `${file.groupPath}/${file.artifactId}` : file.artifactId;
    if (isSnapshotVersion(file.version)) snapshotFolder = `${ga}/${file.version}`;
  } else if (isMetadataPath(path)) {
    const dir = parentOf(path);
    if (isSnapshotVersion(baseName(dir))) {
      snapshotFolder = dir;
      ga = parentOf(dir);
    } else {
      ga = dir;
    }
  } else {
    return;
  }
  await svc.meta.withLock(`maven\0${repo}\0${ga}`, async () => {
    if (snapshotFolder) await regenerateSnapshot(svc, repo, snapshotFolder);
    // Group-level plugin metadata (no versions below it) is kept as the client sent it.
    await regenerateArtifact(svc, repo, ga);
  });
}

async function beforeDeploy(
  svc: Services,
  repo: RepoConfig,
  path: string,
  incoming: IncomingBlob,
): Promise<void> {
  const sum = checksumTarget(path);
  if (sum) {
    // Checksums of metadata are the client's view of a file the server rewrites: not checked.
    if (isMetadataPath(sum.target)) return;
    const target = await svc.meta.getArtifact(repo.key, sum.target);
    if (!target) return;
    let declared: string;
    try {
      declared = declaredChecksum((await readAll(incoming.read(), 4096)).toString('utf8'));
    } catch {
      throw new HttpError('ERR_CHECKSUM_INVALID', `${path} is not a checksum file`);
    }
    const actual = await digest(svc, target, sum.alg);
    if (declared !== actual) {
      throw new HttpError(
        'ERR_CHECKSUM_MISMATCH',
        `${path} says ${declared} but the stored ${sum.target} has ${sum.alg} ${actual}`,
      );
    }
    return;
  }
  if (isMetadataPath(path)) {
    try {
      await parseMetadata((await readAll(incoming.read())).toString('utf8'));
    } catch (err) {
      throw new HttpError(
        'ERR_BODY_INVALID',
        `${path} is not valid maven-metadata.xml (${(err as Error).message})`,
      );
    }
    return;
  }
  const file = parseFile(path);
  if (file && !isSnapshotVersion(file.version) && !repo.allowRedeploy) {
    const existing = await svc.meta.getArtifact(repo.key, path);
    if (existing && existing.sha256 !== incoming.sha256) {
      throw new HttpError(
        'ERR_MAVEN_RELEASE_EXISTS',
        `${repo.key}/${path} already exists with other content`,
      );
    }
  }
}

async function afterDeploy(svc: Services, repo: RepoConfig, art: ArtifactRecord): Promise<void> {
  if (checksumTarget(art.path)) return;
  await refresh(svc, repo.key, art.path);
}

/**
 * After `DELETE /{repo}/{path}` (a file, a version folder or an artifact folder): the
 * artifact-level and SNAPSHOT maven-metadata.xml above it are derived again from what is still
 * stored, and removed when no version is left, so they never list what is gone.
 */
async function afterDelete(svc: Services, repo: RepoConfig, path: string): Promise<void> {
  const candidates = new Set<string>();
  for (let dir = parentOf(path), i = 0; dir !== '' && i < 2; dir = parentOf(dir), i++)
    candidates.add(dir);
  const file = parseFile(path);
  if (file)
    candidates.add(file.groupPath ? `${file.groupPath}/${file.artifactId}` : file.artifactId);
  for (const dir of candidates) {
    const mdPath = `${dir}/${METADATA_FILE}`;
    const art = await svc.meta.getArtifact(repo.key, mdPath);
    if (!art) continue;
    let md: MavenMetadata;
    try {
      md = await readMetadata(svc, art);
    } catch {
      continue;
    }
    // Only metadata this server derives: an artifact's (or a SNAPSHOT's), not group-level plugins.
    if (!md.versioning || md.plugins?.length) continue;
    await svc.meta.withLock(`maven\0${repo.key}\0${md.version ? parentOf(dir) : dir}`, async () => {
      if (md.version && isSnapshotVersion(md.version)) await regenerateSnapshot(svc, repo.key, dir);
      else await regenerateArtifact(svc, repo.key, dir);
      const left = await svc.meta.getArtifact(repo.key, mdPath);
      if (left && left.sha256 === art.sha256 && !(await holdsVersions(svc, repo.key, dir)))
        await svc.deletePath(repo.key, mdPath);
    });
  }
}

/** Whether any versioned file of the artifact (or SNAPSHOT folder) `dir` is still stored. */
async function holdsVersions(svc: Services, repo: string, dir: string): Promise<boolean> {
  for (const f of await svc.meta.listFiles(repo, dir)) if (parseFile(f.path)) return true;
  return false;
}

/** Fetches upstream metadata only when it parses (nothing malformed is cached). */
async function validate(path: string, body: Readable): Promise<void> {
  if (!isMetadataPath(path)) {
    body.destroy();
    return;
  }
  try {
    await parseMetadata((await readAll(body)).toString('utf8'));
  } catch (err) {
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `upstream ${path} is not valid maven-metadata.xml (${(err as Error).message})`,
    );
  }
}

/** One repository's maven-metadata.xml at `path` (a virtual one merged over its members). */
async function metadataIn(
  svc: Services,
  repo: RepoConfig,
  path: string,
  seen: Set<string>,
): Promise<MavenMetadata | undefined> {
  if (repo.rclass === 'virtual') return virtualMetadata(svc, repo, path, seen);
  const resolved = await svc.resolver.resolve(repo, path, {
    metadata: true,
    validate: (b) => validate(path, b),
  });
  return resolved ? readMetadata(svc, resolved.art) : undefined;
}

async function virtualMetadata(
  svc: Services,
  repo: RepoConfig,
  path: string,
  seen: Set<string>,
): Promise<MavenMetadata | undefined> {
  if (seen.has(repo.key)) return undefined;
  seen.add(repo.key);
  const members = await svc.resolver.members(repo);
  const owner = packageOf(path);
  let localOwns = false;
  if (owner !== undefined) {
    for (const m of members)
      if (m.rclass === 'local' && (await svc.meta.folderExists(m.key, owner))) localOwns = true;
  }
  const docs: MavenMetadata[] = [];
  for (const m of members) {
    if (m.rclass === 'remote' && localOwns) continue;
    if (
      !allowedByPatterns(
        path,
        compilePatterns(m.includesPattern),
        compilePatterns(m.excludesPattern),
      )
    )
      continue;
    try {
      const md = await metadataIn(svc, m, path, seen);
      if (md) docs.push(md);
    } catch (err) {
      svc.log.warn(
        { virtual: repo.key, member: m.key, path, err: (err as Error).message },
        'member metadata left out of the merge',
      );
    }
  }
  return mergeMetadata(docs);
}

/** The stored (or resolved) file a checksum path is about, as bytes for metadata or a record. */
async function checksumOf(
  svc: Services,
  repo: RepoConfig,
  target: string,
  alg: ChecksumAlg,
): Promise<string | undefined> {
  if (repo.rclass === 'virtual' && isMetadataPath(target)) {
    const md = await virtualMetadata(svc, repo, target, new Set());
    return md ? hexOf(Buffer.from(serializeMetadata(md), 'utf8'), alg) : undefined;
  }
  const opts = isMetadataPath(target)
    ? { metadata: true, validate: (b: Readable) => validate(target, b), packageOf }
    : { packageOf };
  const resolved = await svc.resolver.resolve(repo, target, opts);
  return resolved ? digest(svc, resolved.art, alg) : undefined;
}

async function serveDerived(
  svc: Services,
  repo: RepoConfig,
  path: string,
): Promise<DerivedFile | undefined> {
  const sum = checksumTarget(path);
  if (sum) {
    const hex = await checksumOf(svc, repo, sum.target, sum.alg);
    return hex === undefined
      ? undefined
      : { body: Buffer.from(hex, 'utf8'), contentType: 'text/plain' };
  }
  if (repo.rclass === 'virtual' && isMetadataPath(path)) {
    const md = await virtualMetadata(svc, repo, path, new Set());
    if (!md) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${path} does not exist`);
    return { body: Buffer.from(serializeMetadata(md), 'utf8'), contentType: XML };
  }
  return undefined;
}

/** Maven (and Gradle): Maven's layout at `/{repo}/…` through the generic routes. */
export const maven: FormatPlugin = {
  type: 'maven',
  isMetadata: isMetadataPath,
  packageOf,
  validate,
  beforeDeploy,
  afterDeploy,
  afterDelete,
  serveDerived,
};
