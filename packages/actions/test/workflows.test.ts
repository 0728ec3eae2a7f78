/** The example workflows parse and validate with GitHub's own workflow parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PACKAGE } from './runner.ts';

type Parser = typeof import('@actions/workflow-parser');

/**
 * @actions/workflow-parser imports its JSON schema without `with { type: 'json' }`, which Node's
 * ESM loader refuses; bundled by esbuild (as for the actions themselves) it loads fine.
 */
async function loadParser(): Promise<Parser> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-wfp-'));
  try {
    const outfile = join(dir, 'parser.cjs');
    await build({
      stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: PACKAGE },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile,
      logLevel: 'error',
    });
    return createRequire(import.meta.url)(outfile) as Parser;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const DIR = join(PACKAGE, '..', '..', 'examples', 'workflows');

test('examples/workflows: a scheduled, a manual promotion and a container workflow', async () => {
  const names = (await readdir(DIR)).filter((f) => f.endsWith('.yml')).sort();
  assert.deepEqual(names, ['container.yml', 'nightly-report.yml', 'promote.yml']);
});

for (const name of ['container.yml', 'nightly-report.yml', 'promote.yml']) {
  test(`${name} is a valid workflow`, async () => {
    const content = await readFile(join(DIR, name), 'utf8');
    const { NoOperationTraceWriter, parseWorkflow } = await loadParser();
    const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
    const errors = result.context.errors.getErrors().map((e) => e.message);
    assert.deepEqual(errors, []);
    assert.ok(result.value, 'parsed');
    // `npx stowage` would run whatever the public registry calls "stowage", with the token:
    // the setup action puts the bundled CLI on PATH instead.
    assert.doesNotMatch(content, /\bnpx\s+(-\S+\s+)*stowage\b/);
  });
}

test('the scheduled workflow runs on a cron; the promotion workflow takes the dispatch inputs', async () => {
  const { parse } = await import('yaml');
  const nightly = parse(await readFile(join(DIR, 'nightly-report.yml'), 'utf8')) as {
    on: { schedule: { cron: string }[] };
  };
  assert.match(nightly.on.schedule[0]?.cron ?? '', /^\S+ \S+ \S+ \S+ \S+$/);
  const promote = parse(await readFile(join(DIR, 'promote.yml'), 'utf8')) as {
    'run-name': string;
    on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: {
      preview: { environment?: string; steps: { uses: string; with: Record<string, unknown> }[] };
      promote: { environment: string; needs: string };
    };
  };
  // The run's name says which build goes where; one promotion of a build at a time.
  assert.match(promote['run-name'], /inputs\.build-name.*inputs\.build-number.*inputs\.stage/);
  assert.match(promote.concurrency.group, /inputs\.build-name.*inputs\.build-number/);
  assert.equal(promote.concurrency['cancel-in-progress'], false);
  // The preview (a dry run, outside the environment) runs before the reviewers approve.
  assert.equal(promote.jobs.preview.environment, undefined);
  assert.equal(promote.jobs.promote.needs, 'preview');
  const preview = promote.jobs.preview.steps.find((st) => /actions\/promote@/.test(st.uses));
  assert.equal(preview?.with['dry-run'], true);
  assert.deepEqual(Object.keys(promote.on.workflow_dispatch.inputs), [
    'build-name',
    'build-number',
    'stage',
    'comment',
  ]);
  assert.equal(promote.jobs.promote.environment, '${{ inputs.stage }}');
});

test('the example workflows hold no stored token: id-token: write and the OIDC exchange', async () => {
  const { parse } = await import('yaml');
  for (const name of ['container.yml', 'nightly-report.yml', 'promote.yml']) {
    const text = await readFile(join(DIR, name), 'utf8');
    const wf = parse(text) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    assert.equal(wf.permissions['id-token'], 'write', name);
    assert.doesNotMatch(text, /secrets\.STOWAGE_TOKEN/, `${name} uses no stored token`);
    const setups = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => /\/stowage@v1$/.test(s.uses ?? ''));
    assert.ok(setups.length > 0, name);
    for (const s of setups) assert.equal(s.with?.['oidc-provider'], 'github', name);
  }
});

test('examples/server/oidc.yml is a valid server config whose release mapping needs the release environment of promote.yml', async () => {
  const { loadConfigFile } = await import('@stowage/server');
  const cfg = await loadConfigFile(join(DIR, '..', 'server', 'oidc.yml'));
  const release = cfg.oidc?.mappings.filter((m) => m.scopes.includes('build:*:promote:release'));
  assert.equal(release?.length, 1);
  assert.equal(release?.[0]?.claims.environment, 'release');
  assert.match(release?.[0]?.claims.job_workflow_ref ?? '', /\/\.github\/workflows\/promote\.yml@/);
  const others = cfg.oidc?.mappings.filter((m) => m !== release?.[0]) ?? [];
  assert.ok(others.every((m) => !m.scopes.some((s) => s.endsWith(':promote:release'))));
});
