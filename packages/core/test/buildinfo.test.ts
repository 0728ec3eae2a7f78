import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  formatStarted,
  mergeBuildInfo,
  newBuildInfo,
  parseStarted,
  StowageError,
  validateBuildInfo,
  type BuildInfo,
} from '../src/core.ts';
import { check, type Schema } from './internal/jsonschema.ts';

const SHA256_A = 'a'.repeat(64);
const SHA256_B = 'b'.repeat(64);
const SHA1_A = '1'.repeat(40);

function invalid(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StowageError, 'a StowageError');
    assert.equal(err.code, 'ERR_BUILDINFO_INVALID');
    for (const f of fragments)
      assert.match(err.message, new RegExp(f), `message mentions ${f}: ${err.message}`);
    return true;
  });
}

describe('formatStarted / parseStarted', () => {
  const instant = new Date(Date.UTC(2026, 10, 25, 7, 27, 22, 123));

  it('formats in UTC by default with a numeric offset', () => {
    assert.equal(formatStarted(instant), '2026-11-25T07:27:22.123+0000');
  });

  it('formats with positive, negative and half-hour offsets', () => {
    assert.equal(formatStarted(instant, 60), '2026-11-25T08:27:22.123+0100');
    assert.equal(formatStarted(instant, -300), '2026-11-25T02:27:22.123-0500');
    assert.equal(formatStarted(instant, 330), '2026-11-25T12:57:22.123+0530');
    assert.equal(formatStarted(instant, -480 - 30), '2026-11-24T22:57:22.123-0830');
    // Crossing midnight and the year.
    assert.equal(
      formatStarted(new Date(Date.UTC(2026, 0, 1, 0, 30)), -60),
      '2025-12-31T23:30:00.000-0100',
    );
  });

  it('parses offsets back to the same instant', () => {
    for (const s of [
      '2026-11-25T07:27:22.123+0000',
      '2026-11-25T07:27:22.123Z',
      '2026-11-25T08:27:22.123+0100',
      '2026-11-25T02:27:22.123-0500',
      '2026-11-25T12:57:22.123+0530',
      '2026-11-25T12:57:22.123+05:30',
    ]) {
      assert.equal(parseStarted(s).getTime(), instant.getTime(), s);
    }
  });

  it('round-trips for many offsets', () => {
    for (const offset of [-720, -570, -1, 0, 1, 345, 840]) {
      assert.equal(parseStarted(formatStarted(instant, offset)).getTime(), instant.getTime());
    }
  });

  it('rejects malformed and impossible timestamps', () => {
    for (const s of [
      '',
      'yesterday',
      '2026-11-25 07:27:22',
      '2026-13-01T00:00:00.000+0000',
      '2026-02-30T00:00:00.000+0000',
      '2026-11-25T24:00:00.000+0000',
      '2026-11-25T07:27:22.123+0099',
    ]) {
      invalid(() => parseStarted(s), 'yyyy-MM-dd');
    }
    invalid(() => formatStarted(new Date(Number.NaN)), 'invalid Date');
  });
});

describe('newBuildInfo', () => {
  it('sets version, name, number and started', () => {
    const b = newBuildInfo({
      name: 'etl',
      number: '7',
      started: new Date(0),
      agent: { name: 'Jenkins' },
    });
    assert.deepEqual(b, {
      version: '1.0.1',
      name: 'etl',
      number: '7',
      started: '1970-01-01T00:00:00.000+0000',
      agent: { name: 'Jenkins' },
    });
  });
  it('rejects an empty name or number', () => {
    invalid(() => newBuildInfo({ name: '', number: '1' }), 'name');
    invalid(() => newBuildInfo({ name: 'a', number: ' ' }), 'number');
  });
});

describe('mergeBuildInfo', () => {
  const base: BuildInfo = {
    version: '1.0.1',
    name: 'app',
    number: '1',
    started: '2026-11-25T07:00:00.000+0000',
  };

  it('keeps the earliest started, compared as instants across offsets', () => {
    const merged = mergeBuildInfo(
      base,
      { started: '2026-11-25T07:30:00.000+0000' },
      // 06:50 UTC, written in +0100: earlier than base although the text sorts later.
      { started: '2026-11-25T07:50:00.000+0100' },
    );
    assert.equal(merged.started, '2026-11-25T07:50:00.000+0100');
  });

  it('lets later parts win for single values and merges properties', () => {
    const merged = mergeBuildInfo(
      { ...base, properties: { a: '1', b: '1' }, url: 'http://ci/1' },
      { properties: { b: '2', c: '3' }, durationMillis: 5 },
      { url: 'http://ci/2' },
    );
    assert.deepEqual(merged.properties, { a: '1', b: '2', c: '3' });
    assert.equal(merged.url, 'http://ci/2');
    assert.equal(merged.durationMillis, 5);
    assert.equal(merged.name, 'app');
  });

  it('merges modules by id and de-duplicates artifacts by sha256, else sha1, else name+path', () => {
    const merged = mergeBuildInfo(
      { ...base, modules: [{ id: 'm1', artifacts: [{ name: 'a.tgz', sha256: SHA256_A }] }] },
      {
        modules: [
          {
            id: 'm1',
            artifacts: [
              { name: 'a-copy.tgz', sha256: SHA256_A.toUpperCase(), size: 10 }, // same content
              { name: 'b.tgz', sha256: SHA256_B },
              { name: 'c.jar', sha1: SHA1_A },
              { name: 'c-again.jar', sha1: SHA1_A },
              { name: 'd.txt', path: 'x/d.txt' },
              { name: 'd.txt', path: 'x/d.txt' },
              { name: 'd.txt', path: 'y/d.txt' },
            ],
          },
          { id: 'm2', artifacts: [{ name: 'a.tgz', sha256: SHA256_A }] },
        ],
      },
    );
    assert.equal(merged.modules?.length, 2);
    const m1 = merged.modules?.[0];
    assert.deepEqual(
      m1?.artifacts?.map((a) => a.name),
      ['a-copy.tgz', 'b.tgz', 'c-again.jar', 'd.txt', 'd.txt'],
    );
    assert.equal(m1?.artifacts?.[0]?.size, 10);
    assert.equal(merged.modules?.[1]?.artifacts?.length, 1, 'de-dup is per module');
  });

  it('de-duplicates dependencies by id+checksum and unites scopes and requestedBy', () => {
    const merged = mergeBuildInfo(
      {
        ...base,
        modules: [
          {
            id: 'm',
            dependencies: [
              { id: 'lodash:4', sha256: SHA256_A, scopes: ['prod'], requestedBy: [['app']] },
            ],
          },
        ],
      },
      {
        modules: [
          {
            id: 'm',
            dependencies: [
              {
                id: 'lodash:4',
                sha256: SHA256_A,
                scopes: ['prod', 'dev'],
                requestedBy: [['app'], ['x', 'app']],
              },
              { id: 'lodash:4', sha256: SHA256_B }, // same id, other content: kept apart
              { id: 'left-pad:1' },
              { id: 'left-pad:1', type: 'npm' },
            ],
          },
        ],
      },
    );
    const deps = merged.modules?.[0]?.dependencies ?? [];
    assert.equal(deps.length, 3);
    assert.deepEqual(deps[0]?.scopes, ['prod', 'dev']);
    assert.deepEqual(deps[0]?.requestedBy, [['app'], ['x', 'app']]);
    assert.equal(deps[2]?.type, 'npm');
  });

  it('merges vcs by url+revision and appends statuses once', () => {
    const status = {
      status: 'qa',
      timestamp: '2026-11-25T08:00:00.000+0000',
      repository: 'qa-local',
    };
    const merged = mergeBuildInfo(
      { ...base, vcs: [{ url: 'https://h/x.git', revision: 'abc' }], statuses: [status] },
      {
        vcs: [
          { url: 'https://h/x.git', revision: 'abc', branch: 'main' },
          { url: 'https://h/y.git', revision: 'def' },
        ],
      },
      { statuses: [status, { ...status, status: 'released' }] },
    );
    assert.deepEqual(merged.vcs, [
      { url: 'https://h/x.git', revision: 'abc', branch: 'main' },
      { url: 'https://h/y.git', revision: 'def' },
    ]);
    assert.deepEqual(
      merged.statuses?.map((s) => s.status),
      ['qa', 'released'],
    );
  });

  it('does not modify its inputs', () => {
    const b: BuildInfo = {
      ...base,
      modules: [{ id: 'm', artifacts: [{ name: 'a', sha256: SHA256_A }] }],
    };
    const part: Partial<BuildInfo> = {
      modules: [{ id: 'm', artifacts: [{ name: 'b', sha256: SHA256_B }] }],
    };
    const before = JSON.stringify([b, part]);
    const merged = mergeBuildInfo(b, part);
    merged.modules?.[0]?.artifacts?.push({ name: 'c' });
    assert.equal(JSON.stringify([b, part]), before);
  });
});

describe('validateBuildInfo', () => {
  const good = {
    version: '1.0.1',
    name: 'app',
    number: '1',
    started: '2026-11-25T07:27:22.123+0000',
  };

  it('accepts a minimal document and defaults the version', () => {
    const { version: _v, ...noVersion } = good;
    assert.equal(validateBuildInfo(noVersion).version, '1.0.1');
    assert.deepEqual(validateBuildInfo(good), good);
  });

  it('rejects what is not an object', () => {
    invalid(() => validateBuildInfo(null), 'must be a JSON object, got null');
    invalid(() => validateBuildInfo([good]), 'got an array');
    invalid(() => validateBuildInfo('{"name":"x"}'), 'got a string');
  });

  it('names missing name, number and started', () => {
    invalid(
      () => validateBuildInfo({}),
      'name is missing',
      'number is missing',
      'started is missing',
    );
    invalid(() => validateBuildInfo({ ...good, name: '' }), 'name must not be empty');
    invalid(
      () => validateBuildInfo({ ...good, number: 42 }),
      'number must be a string',
      'send it as "42"',
    );
    invalid(
      () => validateBuildInfo({ ...good, started: '2026-11-25T07:27:22Z' }),
      'started must look like',
    );
    invalid(
      () => validateBuildInfo({ ...good, started: '2026-02-31T07:27:22.123+0000' }),
      'not a real date',
    );
  });

  it('checks the shape of modules, artifacts and dependencies', () => {
    invalid(() => validateBuildInfo({ ...good, modules: {} }), 'modules must be an array');
    invalid(
      () => validateBuildInfo({ ...good, modules: ['m'] }),
      /modules\[0\] must be an object/.source,
    );
    invalid(
      () => validateBuildInfo({ ...good, modules: [{ artifacts: [] }] }),
      /modules\[0\]\.id is missing/.source,
    );
    invalid(
      () =>
        validateBuildInfo({
          ...good,
          modules: [
            { id: 'm', artifacts: [{ name: 1 }], dependencies: [{ id: 'd', scopes: 'prod' }] },
          ],
        }),
      /modules\[0\]\.artifacts\[0\]\.name must be a string/.source,
      /modules\[0\]\.dependencies\[0\]\.scopes must be an array of strings/.source,
    );
    invalid(
      () => validateBuildInfo({ ...good, properties: { a: 1 } }),
      'properties.a must be a string',
    );
    invalid(
      () => validateBuildInfo({ ...good, durationMillis: 1.5 }),
      'durationMillis must be a non-negative integer',
    );
  });

  it('rejects checksums that are not hex of the right length', () => {
    invalid(
      () =>
        validateBuildInfo({
          ...good,
          modules: [{ id: 'm', artifacts: [{ name: 'a', sha256: 'abc' }] }],
        }),
      /artifacts\[0\]\.sha256 must be 64 hex digits/.source,
    );
    invalid(
      () =>
        validateBuildInfo({
          ...good,
          modules: [{ id: 'm', dependencies: [{ id: 'd', sha1: 'z'.repeat(40) }] }],
        }),
      /sha1 must be 40 hex digits/.source,
    );
    invalid(
      () =>
        validateBuildInfo({
          ...good,
          modules: [{ id: 'm', artifacts: [{ name: 'a', md5: SHA256_A }] }],
        }),
      'md5 must be 32 hex digits',
    );
  });
});

describe('build-info layout against JFrog schema (shared/specs/buildinfo-schema.json)', () => {
  const schemaText = readFileSync(
    new URL('fixtures/buildinfo-schema.json', import.meta.url),
    'utf8',
  );
  const sharedCopy = new URL('../../../../shared/specs/buildinfo-schema.json', import.meta.url);
  const schema = JSON.parse(schemaText) as Schema & {
    modules: Schema;
    issues: Schema;
    properties: Record<string, Schema & { items?: Record<string, Schema> }>;
  };

  const generated = (): BuildInfo =>
    mergeBuildInfo(
      newBuildInfo({
        name: 'nightly-etl',
        number: '42',
        started: new Date(Date.UTC(2026, 10, 25, 7, 27, 22, 123)),
        url: 'https://ci.example/job/42',
        principal: 'alice',
        agent: { name: 'GitHub Actions', version: '2.330.0' },
        buildAgent: { name: 'stowage', version: '0.1.0' },
      }),
      { properties: { 'buildInfo.env.CI': 'true' }, durationMillis: 1234, type: 'GENERIC' },
      {
        vcs: [
          {
            url: 'https://github.com/o/r.git',
            branch: 'main',
            revision: 'f'.repeat(40),
            message: 'fix',
          },
        ],
      },
      {
        modules: [
          {
            id: 'etl',
            type: 'generic',
            properties: { team: 'data' },
            artifacts: [
              {
                name: 'etl.tgz',
                type: 'tgz',
                path: 'etl/1/etl.tgz',
                sha1: SHA1_A,
                sha256: SHA256_A,
                md5: 'c'.repeat(32),
                size: 9,
              },
            ],
            dependencies: [
              {
                id: 'pandas:2.2.0',
                type: 'pypi',
                scopes: ['runtime'],
                requestedBy: [['etl']],
                sha256: SHA256_B,
              },
            ],
          },
        ],
      },
    );

  it(
    'the fixture equals the shared spec',
    { skip: !existsSync(sharedCopy) && 'no shared/specs beside this checkout' },
    () => {
      assert.equal(schemaText, readFileSync(sharedCopy, 'utf8'));
    },
  );

  it('validates against the schema, modules included', () => {
    const doc = generated();
    assert.deepEqual(check(schema, doc), []);
    // The schema keeps `modules` beside `properties`, so check them against it explicitly.
    assert.deepEqual(check(schema.modules, doc.modules, '$.modules'), []);
    assert.deepEqual(validateBuildInfo(JSON.parse(JSON.stringify(doc))), doc);
  });

  it('uses only field names the schema knows (plus statuses and artifact size)', () => {
    const doc = generated();
    const topLevel = new Set([...Object.keys(schema.properties), 'modules', 'issues', 'statuses']);
    for (const key of Object.keys(doc)) assert.ok(topLevel.has(key), `top-level ${key}`);
    const vcsFields = new Set(Object.keys(schema.properties.vcs?.items ?? {}));
    for (const v of doc.vcs ?? [])
      for (const key of Object.keys(v)) assert.ok(vcsFields.has(key), `vcs.${key}`);
    const moduleSchema = schema.modules.items as Schema;
    const moduleFields = new Set(Object.keys(moduleSchema.properties ?? {}));
    const artifactFields = new Set([
      ...Object.keys(moduleSchema.properties?.artifacts?.items?.properties ?? {}),
      'size',
    ]);
    const depFields = new Set(
      Object.keys(moduleSchema.properties?.dependencies?.items?.properties ?? {}),
    );
    for (const m of doc.modules ?? []) {
      for (const key of Object.keys(m)) assert.ok(moduleFields.has(key), `module.${key}`);
      for (const a of m.artifacts ?? [])
        for (const key of Object.keys(a)) assert.ok(artifactFields.has(key), `artifact.${key}`);
      for (const d of m.dependencies ?? [])
        for (const key of Object.keys(d)) assert.ok(depFields.has(key), `dependency.${key}`);
    }
  });

  it('the checker itself catches a wrong layout', () => {
    const bad = { ...generated(), started: '25/11/2026', durationMillis: 'long' };
    assert.equal(check(schema, bad).length, 2);
    assert.equal(check(schema.modules, [{ id: 1, artifacts: [{ sha256: 5 }] }]).length, 2);
  });
});
