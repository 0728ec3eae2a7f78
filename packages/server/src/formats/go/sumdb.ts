/**
 * Go checksum database (sumdb) checks for Go remotes: before a module's `.mod` or `.zip` from
 * the upstream proxy is cached, its `h1:` hash (golang.org/x/mod/sumdb/dirhash) is compared
 * with the go.sum lines the configured checksum database answers for it
 * (`GET {sumdb}/lookup/{module}@{version}`), whose signed tree head is verified with the
 * database's public key (the `GOSUMDB` verifier key format, `name+hash+base64key`).
 *
 * What this checks: a proxy (or anything between it and Stowage) that serves content other
 * than what the public log recorded. What it does not: the record's Merkle inclusion proof in
 * the signed tree (the database itself is trusted over TLS, as with `GONOSUMCHECK`-free
 * `GOPROXY` setups); `go` clients still verify the full proofs themselves.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { HttpError } from '../../errors.ts';
import type { RepoConfig } from '../../internal/metastore.ts';
import type { UpstreamClient } from '../../internal/upstream.ts';
import { escapeCase } from './module.ts';
import { MAX_ZIP_SIZE } from './zip.ts';

/** A parsed `GOSUMDB`-style setting: `<verifier key> [<url>]`. */
export interface Sumdb {
  name: string;
  keyHash: Buffer;
  key: KeyObject;
  url: string;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Parses `name+hash+base64key [url]`; throws a message that says what is wrong. */
export function parseSumdb(setting: string): Sumdb {
  const [vkey = '', url] = setting.trim().split(/\s+/);
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m?.[1] || !m[2] || !m[3]) {
    throw new Error(
      `"${vkey}" is not a checksum database verifier key (name+hash+key, as in GOSUMDB, e.g. sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ru18vb8f8ycGXrdzU)`,
    );
  }
  const name = m[1];
  const data = Buffer.from(m[3], 'base64');
  if (data.length !== 33 || data[0] !== 1)
    throw new Error(`the key of "${name}" is not an Ed25519 verifier key`);
  const hash = createHash('sha256').update(`${name}\n`).update(data).digest().subarray(0, 4);
  if (hash.toString('hex') !== m[2])
    throw new Error(`the key hash of "${name}" does not match its key`);
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, data.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  const base = (url ?? `https://${name}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base)) throw new Error(`"${base}" is not an http(s) URL`);
  return { name, keyHash: hash, key, url: base };
}

/** Verifies a signed note with the database's key; returns its text. */
export function verifyNote(note: string, db: Sumdb): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('the tree head is not a signed note');
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m || m[1] !== db.name || !m[2]) continue;
    const sig = Buffer.from(m[2], 'base64');
    if (sig.length !== 68 || !sig.subarray(0, 4).equals(db.keyHash)) continue;
    if (verify(null, Buffer.from(text), db.key, sig.subarray(4))) return text;
  }
  throw new Error(`the tree head is not signed by ${db.name}`);
}

/** The go.sum hashes the database records for module@version: `zip` and `mod` (`h1:…`). */
export async function lookup(
  upstream: UpstreamClient,
  db: Sumdb,
  module: string,
  version: string,
): Promise<{ zip?: string; mod?: string }> {
  const url = `${db.url}/lookup/${escapeCase(module)}@${escapeCase(version)}`;
  const access = upstream.accessOf({
    key: `checksum database ${db.name}`,
    rclass: 'remote',
    packageType: 'go',
    url: db.url,
  });
  const res = await upstream.get(url, { access, credentials: 'none' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) {
      res.body.destroy();
      throw new HttpError(
        'ERR_UPSTREAM_INVALID',
        `the checksum database answer for ${module}@${version} is too large`,
      );
    }
    chunks.push(c as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  if (res.status === 404 || res.status === 410) {
    throw new HttpError(
      'ERR_UPSTREAM_DIGEST',
      `the checksum database ${db.name} has no record of ${module}@${version}: ${body.trim().slice(0, 200)}`,
      {
        hint: 'nothing was cached; a module the public log does not know is not served by this remote',
      },
    );
  }
  if (res.status !== 200) {
    throw new HttpError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `the checksum database ${db.name} answered HTTP ${res.status} for ${module}@${version}`,
    );
  }
  const nl = body.indexOf('\n');
  const blank = body.indexOf('\n\n', nl);
  if (nl < 0 || blank < 0 || !/^\d+$/.test(body.slice(0, nl))) {
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `the checksum database answer for ${module}@${version} is malformed`,
    );
  }
  try {
    verifyNote(body.slice(blank + 2), db);
  } catch (err) {
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `the checksum database answer for ${module}@${version} is not trustworthy: ${(err as Error).message}`,
    );
  }
  const out: { zip?: string; mod?: string } = {};
  for (const line of body.slice(nl + 1, blank).split('\n')) {
    const [m, v, h] = line.split(' ');
    if (m !== module || !h) continue;
    if (v === version) out.zip = h;
    else if (v === `${version}/go.mod`) out.mod = h;
  }
  return out;
}

/** dirhash.Hash1 over named files given as (name, sha256 hex) pairs. */
function hash1(files: [string, string][]): string {
  const h = createHash('sha256');
  for (const [name, sha] of files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (name.includes('\n'))
      throw new Error(`file name ${JSON.stringify(name)} contains a newline`);
    h.update(`${sha}  ${name}\n`);
  }
  return `h1:${h.digest('base64')}`;
}

/** The `h1:` hash of a go.mod file with the given sha256. */
export function goModHash(sha256: string): string {
  return hash1([['go.mod', sha256]]);
}

/** The `h1:` hash of a module zip (every file, by its name in the zip). */
export async function zipHash(body: Readable): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-gozip-'));
  const file = join(dir, 'module.zip');
  try {
    await pipeline(body, createWriteStream(file, { mode: 0o600 }));
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    );
    try {
      const files: [string, string][] = [];
      let total = 0;
      await new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', () => resolve());
        zip.on('entry', (e: yauzl.Entry) => {
          if (e.fileName.endsWith('/')) return zip.readEntry();
          total += e.uncompressedSize;
          if (total > MAX_ZIP_SIZE) return reject(new Error('the module zip is too large'));
          zip.openReadStream(e, (err, s) => {
            if (err) return reject(err);
            const h = createHash('sha256');
            s.on('data', (c: Buffer) => h.update(c));
            s.on('error', reject);
            s.on('end', () => {
              files.push([e.fileName, h.digest('hex')]);
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      });
      return hash1(files);
    } finally {
      zip.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The `validate` hook of a Go remote's `.mod`/`.zip` fetch: with a checksum database
 * configured on the remote, the content must hash to what the database recorded.
 */
export function sumdbCheck(
  upstream: UpstreamClient,
  module: string,
  version: string,
  kind: 'mod' | 'zip',
): (body: Readable, remote?: RepoConfig) => Promise<void> {
  return async (body, remote) => {
    if (!remote?.sumdb) {
      body.resume();
      return;
    }
    const db = parseSumdb(remote.sumdb);
    const want = (await lookup(upstream, db, module, version))[kind];
    if (!want) {
      body.resume();
      throw new HttpError(
        'ERR_UPSTREAM_DIGEST',
        `the checksum database ${db.name} records no ${kind === 'mod' ? 'go.mod' : 'zip'} hash for ${module}@${version}`,
      );
    }
    let got: string;
    if (kind === 'mod') {
      const h = createHash('sha256');
      for await (const c of body) h.update(c as Buffer);
      got = goModHash(h.digest('hex'));
    } else {
      got = await zipHash(body);
    }
    if (got !== want) {
      throw new HttpError(
        'ERR_UPSTREAM_DIGEST',
        `upstream sent ${module}@${version} (${kind === 'mod' ? 'go.mod' : 'zip'}) with ${got}, but the checksum database ${db.name} recorded ${want}`,
      );
    }
  };
}
