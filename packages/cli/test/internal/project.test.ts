/** projectName: the module id `build add-deps` defaults to comes from the project's own files. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectName } from '../../src/internal/project.ts';

describe('projectName', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-project-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const at = async (files: Record<string, string>): Promise<string> => {
    const d = await mkdtemp(join(dir, 'p-'));
    for (const [name, content] of Object.entries(files)) await writeFile(join(d, name), content);
    return d;
  };

  it('reads package.json, pom.xml (not its parent or dependencies), go.mod, pyproject, DESCRIPTION', async () => {
    assert.equal(
      await projectName('npm', await at({ 'package.json': '{"name":"@acme/nightly-report"}' })),
      '@acme/nightly-report',
    );
    const pom = `<project>
  <parent><groupId>org.parent</groupId><artifactId>parent-pom</artifactId></parent>
  <artifactId>etl-job</artifactId>
  <dependencies><dependency><groupId>x</groupId><artifactId>dep</artifactId></dependency></dependencies>
</project>`;
    assert.equal(await projectName('maven', await at({ 'pom.xml': pom })), 'org.parent:etl-job');
    assert.equal(
      await projectName('go', await at({ 'go.mod': 'module example.com/acme/etl\n\ngo 1.22\n' })),
      'example.com/acme/etl',
    );
    assert.equal(
      await projectName('pip', await at({ 'pyproject.toml': '[project]\nname = "nightly"\n' })),
      'nightly',
    );
    assert.equal(
      await projectName('r', await at({ DESCRIPTION: 'Package: etlr\nVersion: 1.0\n' })),
      'etlr',
    );
    assert.equal(
      await projectName('nuget', await at({ 'Etl.Job.csproj': '<Project/>' })),
      'Etl.Job',
    );
  });

  it('says nothing when the project does not name itself, or names itself oddly', async () => {
    assert.equal(await projectName('npm', await at({})), undefined);
    assert.equal(await projectName('npm', await at({ 'package.json': '{not json' })), undefined);
    assert.equal(
      await projectName('npm', await at({ 'package.json': '{"name":"a b; rm -rf /"}' })),
      undefined,
    );
    assert.equal(await projectName('cobol', await at({})), undefined);
  });
});
