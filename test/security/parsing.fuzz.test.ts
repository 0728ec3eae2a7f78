/**
 * Property-based fuzzing (fast-check) of the server's path and name parsing: whatever a client
 * sends, a parser either refuses it with the server's own error (HttpError, or OciError under
 * `/v2/`) or yields names and paths that cannot climb out of a repository — no `.`/`..`/empty
 * segment, no NUL or control character, no backslash, no leading slash — and the encodings that
 * are bijective round-trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpError } from '../../packages/server/src/errors.ts';
import {
  parseMatrix,
  parseRepoPath,
  validateRelativePath,
} from '../../packages/server/src/internal/paths.ts';
import {
  escapedName,
  packageOfPath,
  parseStoragePath,
  parseTarget,
  tarballFile,
  tarballPath,
  validName,
} from '../../packages/server/src/formats/npm/packument.ts';
import {
  checkFilename,
  checkProject,
  normalizeName,
} from '../../packages/server/src/formats/pypi/names.ts';
import {
  checkModulePath,
  escapeCase,
  unescapeCase,
} from '../../packages/server/src/formats/go/module.ts';
import {
  blobPathOf,
  manifestPathOf,
  parseDigest,
  parseOciPath,
  tagPath,
} from '../../packages/server/src/formats/docker/names.ts';
import { OciError } from '../../packages/server/src/formats/docker/errors.ts';
import { parseFile } from '../../packages/server/src/formats/maven/layout.ts';
import { normalizeVersion, validId } from '../../packages/server/src/formats/nuget/model.ts';

const RUNS = { numRuns: 2000 };

/** Characters that path attacks are made of, mixed with ordinary ones. */
const nasty = fc.constantFrom(
  '/',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '%00',
  '\u0000',
  '%',
  '%zz',
  ';',
  '=',
  ',',
  '@',
  '%40',
  '!',
  ':',
  '~',
  '_',
  '-',
  'a',
  'B',
  '0',
  '\u00e9',
  '\u{1f600}',
  '%e2%82',
  '?',
  '#',
  ' ',
  '+',
);
const hostile = fc.oneof(
  fc.array(nasty, { maxLength: 24 }).map((a) => a.join('')),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Runs `f`; anything thrown must be one of `allowed`. */
function onlyThrows<T>(f: () => T, ...allowed: (new (...a: never[]) => Error)[]): T | undefined {
  try {
    return f();
  } catch (err) {
    if (allowed.some((c) => err instanceof c)) return undefined;
    throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
}

/** A repository-relative path that cannot escape: the invariant every parser must keep. */
function assertSafePath(p: string, what: string): void {
  assert.ok(!p.startsWith('/'), `${what}: leading slash in ${JSON.stringify(p)}`);
  assert.ok(!p.includes('\\'), `${what}: backslash in ${JSON.stringify(p)}`);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f]/.test(p), `${what}: control character in ${JSON.stringify(p)}`);
  if (p === '') return;
  for (const seg of p.split('/')) {
    assert.ok(
      seg !== '' && seg !== '.' && seg !== '..',
      `${what}: bad segment in ${JSON.stringify(p)}`,
    );
  }
}

test('parseRepoPath: only HttpError, and every path it yields stays inside the repository', () => {
  fc.assert(
    fc.property(hostile, hostile, (a, b) => {
      const r = onlyThrows(() => parseRepoPath(`/${a}/${b}`), HttpError);
      if (!r) return;
      assert.ok(r.repo !== '');
      assertSafePath(r.repo, 'repo');
      assert.ok(!r.repo.includes('/'));
      assertSafePath(r.path, 'path');
    }),
    RUNS,
  );
});

const segment = fc
  .string({ minLength: 1, maxLength: 12 })
  // eslint-disable-next-line no-control-regex
  .filter((s) => s !== '.' && s !== '..' && !/[\u0000-\u001f\\/]/.test(s));

test('parseRepoPath round-trips encoded segments and matrix parameters', () => {
  const value = fc.string({ maxLength: 8 }).filter((s) => !s.includes('\\'));
  fc.assert(
    fc.property(
      fc.array(segment, { minLength: 1, maxLength: 6 }),
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.uniqueArray(value, { minLength: 1, maxLength: 3 }),
        { maxKeys: 3 },
      ),
      (segs, props) => {
        const enc = (s: string): string => encodeURIComponent(s);
        const matrix = Object.entries(props)
          .map(([k, vs]) => `;${enc(k)}=${vs.map((v) => enc(v.replaceAll(',', '\\,'))).join(',')}`)
          .join('');
        const r = parseRepoPath(`/repo/${segs.map(enc).join('/')}${matrix}`);
        assert.equal(r.repo, 'repo');
        assert.equal(r.path, segs.join('/'));
        const want = Object.fromEntries(Object.entries(props));
        assert.deepEqual({ ...r.matrix }, want);
      },
    ),
    RUNS,
  );
});

test('parseMatrix and validateRelativePath: only HttpError; accepted relative paths are safe', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      onlyThrows(() => parseMatrix(s), HttpError);
      const p = onlyThrows(() => validateRelativePath(s), HttpError);
      if (p !== undefined) assertSafePath(p, 'relative path');
    }),
    RUNS,
  );
});

const npmSegment = fc.stringMatching(/^[a-z0-9~-][a-z0-9._~-]{0,20}$/);
const npmName = fc.oneof(
  // `-` alone is refused: it would be the registry's own `/-/` namespace.
  npmSegment.filter((s) => s !== '-'),
  fc.tuple(npmSegment, npmSegment).map(([s, n]) => `@${s}/${n}`),
);

test('npm: parseTarget only throws HttpError and yields valid names; scoped encodings round-trip', () => {
  fc.assert(
    fc.property(hostile, hostile, (a, b) => {
      const t = onlyThrows(() => parseTarget(`${a}/${b}`, 'npm-local'), HttpError);
      if (!t || t.kind === 'special') return;
      assert.ok(validName(t.name), `invalid name ${JSON.stringify(t.name)}`);
      assertSafePath(t.name, 'npm name');
      if (t.kind === 'tarball') assertSafePath(tarballPath(t.name, t.file), 'npm tarball path');
    }),
    RUNS,
  );
  fc.assert(
    fc.property(npmName, fc.stringMatching(/^[0-9][0-9A-Za-z.+-]{0,10}$/), (name, version) => {
      for (const raw of [escapedName(name), name, name.replace('/', '%2F')]) {
        const t = parseTarget(raw, 'npm-local');
        assert.equal(t.kind, 'package');
        assert.equal(t.kind === 'package' && t.name, name);
      }
      const file = tarballFile(name, version);
      const t = parseTarget(`${escapedName(name)}/-/${file}`, 'npm-local');
      assert.deepEqual(t, { kind: 'tarball', name, file });
      assert.deepEqual(parseStoragePath(tarballPath(name, file)), { name, file });
      assert.equal(packageOfPath(`${name}/package.json`), name);
    }),
    RUNS,
  );
});

test('PyPI: names normalize idempotently; checks only throw HttpError and refuse path tricks', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      const n = normalizeName(s);
      assert.equal(normalizeName(n), n);
      assert.ok(!/[A-Z]/.test(n) && !/[-_.]{2,}/.test(n.replace(/[^-_.]+/g, ' ')));
      const p = onlyThrows(() => checkProject(s), HttpError);
      if (p !== undefined) assertSafePath(p, 'project');
      const f = onlyThrows(() => checkFilename(s), HttpError);
      if (f !== undefined) {
        assertSafePath(f, 'file');
        assert.ok(!f.includes('/') && !f.includes('..'));
      }
    }),
    RUNS,
  );
});

test('Go: case-encoding round-trips; decoding and path checks only throw HttpError', () => {
  const modulePath = fc
    .array(fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,10}$/), {
      minLength: 1,
      maxLength: 4,
    })
    .map((elems) => ['example.com', ...elems].join('/'));
  fc.assert(
    fc.property(modulePath, (p) => {
      const e = escapeCase(p);
      assert.ok(!/[A-Z]/.test(e));
      assert.equal(unescapeCase(e, 'module'), p);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(hostile, (s) => {
      const d = onlyThrows(() => unescapeCase(s, 'module'), HttpError);
      if (d !== undefined) assert.equal(escapeCase(d), s);
      const p = onlyThrows(() => checkModulePath(s), HttpError);
      if (p !== undefined) assertSafePath(p, 'module path');
    }),
    RUNS,
  );
});

test('OCI: names, references and digests only throw OciError and map to safe storage paths', () => {
  fc.assert(
    fc.property(
      hostile,
      hostile,
      fc.constantFrom('blobs', 'manifests', 'blobs/uploads', 'tags', 'referrers'),
      (a, b, kind) => {
        const rest = kind === 'tags' ? `${a}/tags/list` : `${a}/${kind}/${b}`;
        const r = onlyThrows(() => parseOciPath(rest), OciError);
        if (!r) return;
        assertSafePath(r.image, 'image');
        assert.ok(
          !r.image.split('/').some((c) => c.startsWith('_')),
          'image components never start with _',
        );
        const route = r.route;
        if (route.kind === 'blob') {
          const d = onlyThrows(() => parseDigest(route.digest), OciError);
          if (d) assertSafePath(blobPathOf(r.image, d), 'blob path');
        }
        if (route.kind === 'manifest') {
          if (route.reference.includes(':')) {
            const d = onlyThrows(() => parseDigest(route.reference), OciError);
            if (d) assertSafePath(manifestPathOf(r.image, d), 'manifest path');
          } else assertSafePath(tagPath(r.image, route.reference), 'tag path');
        }
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (hex) => {
      assert.deepEqual(parseDigest(`sha256:${hex}`), {
        alg: 'sha256',
        hex,
        digest: `sha256:${hex}`,
      });
    }),
  );
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9a-f]{128}$/), (hex) => {
      assert.deepEqual(parseDigest(`sha512:${hex}`), {
        alg: 'sha512',
        hex,
        digest: `sha512:${hex}`,
      });
      // The lengths are the algorithm's: a sha512 hex is not a sha256 digest, nor the reverse.
      assert.throws(() => parseDigest(`sha256:${hex}`), OciError);
      assert.throws(() => parseDigest(`sha512:${hex.slice(64)}`), OciError);
    }),
  );
});

test('Maven coordinates: parseFile never throws; what it parses fits back into the path', () => {
  fc.assert(
    fc.property(fc.array(hostile, { minLength: 1, maxLength: 6 }), (parts) => {
      const path = parts.join('/');
      const f = parseFile(path);
      if (!f) return;
      assert.ok(!f.artifactId.includes('/') && !f.version.includes('/'));
      assert.ok(path.startsWith(`${f.groupPath}/${f.artifactId}/${f.version}/`));
    }),
    RUNS,
  );
});

test('NuGet: ids and versions never throw; valid ids are safe, normalized versions are fixed points', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      if (validId(s)) assertSafePath(s, 'nuget id');
      const v = normalizeVersion(s);
      if (v !== undefined) {
        assert.equal(normalizeVersion(v), v);
        assertSafePath(v, 'nuget version');
        assert.ok(!v.includes('/'));
      }
    }),
    RUNS,
  );
  fc.assert(
    fc.property(
      fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999)),
      fc.option(fc.stringMatching(/^[0-9A-Za-z-]{1,6}$/), { nil: undefined }),
      ([a, b, c], pre) => {
        const v = `${a}.${b}.${c}${pre ? `-${pre}` : ''}`;
        assert.equal(normalizeVersion(v), v);
        assert.equal(normalizeVersion(`${v}+build.5`), v);
      },
    ),
    RUNS,
  );
});
