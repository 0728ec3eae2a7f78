/**
 * Each action.yml names exactly the keys of its `Inputs` interface (getInputs() fills every key),
 * the root action.yml is the setup action, and each action runs on node24 from dist/index.cjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { getInputs as promoteInputs } from '../src/promote/context.ts';
import { getInputs as publishInputs } from '../src/publish/context.ts';
import { getInputs as reportInputs } from '../src/report/context.ts';
import { getInputs as setupInputs } from '../src/setup/context.ts';
import { PACKAGE } from './runner.ts';

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, unknown>;
  runs: { using: string; main: string; post?: string };
}

const load = async (file: string): Promise<ActionYml> =>
  parse(await readFile(file, 'utf8')) as ActionYml;

/** Calls getInputs() with every input set as the runner sets it. */
function withInputs<T>(yml: ActionYml, fn: () => T): T {
  const saved = { ...process.env };
  try {
    for (const [k, v] of Object.entries(yml.inputs)) {
      const dflt = v.default && !v.default.includes('${{') ? v.default : '';
      process.env[`INPUT_${k.toUpperCase()}`] = dflt;
    }
    process.env.INPUT_URL = 'http://127.0.0.1:1';
    process.env['INPUT_BUILD-NAME'] = 'b';
    process.env['INPUT_BUILD-NUMBER'] = '1';
    process.env.INPUT_STAGE = 'qa';
    return fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const ACTIONS: [string, () => object][] = [
  ['setup', setupInputs],
  ['publish', publishInputs],
  ['promote', promoteInputs],
  ['report', reportInputs],
];

for (const [action, getInputs] of ACTIONS) {
  test(`${action}: action.yml inputs are the Inputs keys`, async () => {
    const yml = await load(join(PACKAGE, action, 'action.yml'));
    const keys = Object.keys(withInputs(yml, getInputs)).sort();
    assert.deepEqual(keys, Object.keys(yml.inputs).sort());
    assert.equal(yml.runs.using, 'node24');
    assert.equal(yml.runs.main, 'dist/index.cjs');
    if (action === 'setup') assert.equal(yml.runs.post, 'dist/index.cjs');
  });
}

test('the root action.yml is the setup action', async () => {
  const root = await load(join(PACKAGE, '..', '..', 'action.yml'));
  const setup = await load(join(PACKAGE, 'setup', 'action.yml'));
  assert.deepEqual(root.inputs, setup.inputs);
  assert.deepEqual(root.outputs, setup.outputs);
  assert.equal(root.runs.main, 'packages/actions/setup/dist/index.cjs');
  assert.equal(root.runs.post, 'packages/actions/setup/dist/index.cjs');
});
