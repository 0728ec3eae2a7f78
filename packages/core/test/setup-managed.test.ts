/**
 * The configuration files `stowage setup` writes are Stowage's to update: a second run (a new
 * build, with its own token) replaces only the managed block of a line-based file (keeping what
 * the user added around it) or rewrites an XML file it marked; a file of the user's own is kept
 * unless `overwrite`.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setupTool } from '../src/core.ts';
import { MANAGED_BEGIN, MANAGED_END, OWNED_MARK } from '../src/setup/files.ts';

describe('stowage setup on files it wrote before', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-managed-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const opts = (project: string, token: string, extra: Record<string, unknown> = {}) => ({
    url: 'http://127.0.0.1:8081',
    repo: 'npm',
    token,
    dir: project,
    home: join(dir, 'home'),
    ...extra,
  });

  it('updates the managed block of .npmrc with the new build’s token, keeping the user’s lines', async () => {
    const project = join(dir, 'npm');
    await mkdir(project, { recursive: true });
    const first = await setupTool('npm', opts(project, 'stw_build_1'));
    assert.equal(first.files[0]?.action, 'written');
    const file = join(project, '.npmrc');
    const written = await readFile(file, 'utf8');
    assert.match(written, new RegExp(`^# ${escape(MANAGED_BEGIN)}\n`));
    assert.match(written, /_authToken=stw_build_1\n# <<< stowage setup <<<\n$/);
    // The user adds settings of their own, before and after the block.
    await writeFile(file, `save-exact=true\n${written}fund=false\n`);

    const second = await setupTool('npm', opts(project, 'stw_build_2'));
    assert.equal(second.files[0]?.action, 'written');
    assert.match(second.notes.join('\n'), /updated the stowage block/);
    const updated = await readFile(file, 'utf8');
    assert.match(updated, /^save-exact=true\n/);
    assert.match(updated, /\nfund=false\n$/);
    assert.match(updated, /_authToken=stw_build_2/);
    assert.doesNotMatch(updated, /stw_build_1/);
    assert.equal(updated.split(MANAGED_BEGIN).length, 2, 'one block');
    assert.equal(updated.split(MANAGED_END).length, 2);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('keeps a .npmrc of the user’s own unless overwrite', async () => {
    const project = join(dir, 'own');
    await mkdir(project, { recursive: true });
    await setupTool('npm', opts(project, 'stw_x'));
    const file = join(project, '.npmrc');
    await writeFile(file, 'registry=https://registry.example.com/\n');
    const kept = await setupTool('npm', opts(project, 'stw_y'));
    assert.equal(kept.files[0]?.action, 'kept');
    assert.match(kept.notes.join('\n'), /not one stowage setup wrote.*pass overwrite/);
    assert.equal(await readFile(file, 'utf8'), 'registry=https://registry.example.com/\n');

    const replaced = await setupTool('npm', opts(project, 'stw_y', { overwrite: true }));
    assert.equal(replaced.files[0]?.action, 'written');
    assert.match(await readFile(file, 'utf8'), /_authToken=stw_y/);
  });

  it('rewrites a settings.xml it marked, and keeps one it did not', async () => {
    const home = join(dir, 'mvn-home');
    const mvn = (token: string, extra: Record<string, unknown> = {}) =>
      setupTool('maven', { ...opts(join(dir, 'mvn'), token, extra), repo: 'maven', home });
    await mvn('stw_m1');
    const file = join(home, '.m2', 'settings.xml');
    const first = await readFile(file, 'utf8');
    assert.match(first, /^<\?xml[^>]*\?>\n<!-- written by stowage setup/);
    assert.ok(first.includes(OWNED_MARK));
    await mvn('stw_m2');
    const second = await readFile(file, 'utf8');
    assert.match(second, /stw_m2/);
    assert.doesNotMatch(second, /stw_m1/);

    await writeFile(file, '<settings/>\n');
    const kept = await mvn('stw_m3');
    assert.equal(kept.files[0]?.action, 'kept');
    assert.equal(await readFile(file, 'utf8'), '<settings/>\n');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
