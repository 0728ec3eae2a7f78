/**
 * The Jenkins shared library run for real: test/pipeline.groovy (a small stand-in for Jenkins
 * Pipeline, with an `sh` that really runs) drives vars/*.groovy against a real Stowage server,
 * with the bundled CLI (dist/stowage.mjs and its parts) as the agent's `stowage`. Two JVM starts
 * in all: the nightly scenario, and the bad-argument cases. Needs Debian's `groovy`; skips,
 * saying so, when it is not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@stowage/server';

const LIB = fileURLToPath(new URL('../', import.meta.url));
const HARNESS = join(LIB, 'test', 'pipeline.groovy');
const SCENARIOS = join(LIB, 'test', 'scenarios');
const BUNDLE = fileURLToPath(new URL('../../cli/dist/stowage.mjs', import.meta.url));
const TOKEN_ID = 'stowage-token';

/** JAVA_HOME for Debian's groovy: the given one, else Debian's OpenJDK 17 when present. */
function javaHome(): string | undefined {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  const jdk17 = '/usr/lib/jvm/java-17-openjdk-amd64';
  return existsSync(jdk17) ? jdk17 : undefined;
}

function groovyMissing(): string | false {
  const env = { ...process.env, ...(javaHome() ? { JAVA_HOME: javaHome() } : {}) };
  const r = spawnSync('groovy', ['--version'], { env, encoding: 'utf8' });
  if (r.error) return 'groovy is not installed (apt-get install -y groovy)';
  if (r.status !== 0) return `groovy --version failed: ${r.stderr.trim()}`;
  return false;
}

interface StepCall {
  step: string;
  label?: string;
  script?: string;
  message?: string;
  submitter?: string;
  submitterParameter?: string;
  resource?: string;
  file?: string;
  ids?: string[];
  parameters?: Record<string, unknown>[];
}

interface HarnessResult<T> {
  steps: string[];
  result: T;
  failure: string | null;
  calls: StepCall[];
}

interface Pipeline<T> {
  code: number | null;
  stdout: string;
  stderr: string;
  harness: HarnessResult<T>;
}

/** Runs one scenario in one JVM with exactly the environment given (plus PATH, JAVA_HOME). */
function pipeline<T>(scenario: string, env: Record<string, string>): Promise<Pipeline<T>> {
  return new Promise((resolve, reject) => {
    const home = javaHome();
    const child = spawn('groovy', [HARNESS, LIB, join(SCENARIOS, scenario)], {
      env: { PATH: process.env.PATH ?? '', ...(home ? { JAVA_HOME: home } : {}), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('HARNESS-RESULT '));
      if (!line) {
        reject(new Error(`no HARNESS-RESULT (exit ${code}):\n${stdout}\n${stderr}`));
        return;
      }
      const harness = JSON.parse(line.slice('HARNESS-RESULT '.length)) as HarnessResult<T>;
      resolve({ code, stdout, stderr, harness });
    });
  });
}

const missing = groovyMissing();

describe('Jenkins shared library (vars/*.groovy)', { skip: missing }, () => {
  let server: RunningServer;
  let dir: string;

  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` first`);
    dir = await mkdtemp(join(tmpdir(), 'stowage-jenkins-'));
    server = await startServer({
      dataDir: join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      logger: false,
    });
  });

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a nightly job: setup, upload, publish, promote to qa, ask for release, report', async () => {
    // The job's workspace: a git checkout with what the build generated.
    const ws = join(dir, 'workspace');
    await mkdir(join(ws, 'out'), { recursive: true });
    const files: Record<string, string> = {
      'out/report.csv': 'day,rows\n2026-11-24,1200\n2026-11-25,1314\n',
      'out/summary.json': '{"rows":2514}\n',
      'out/ignored.log': 'not uploaded\n',
    };
    for (const [name, content] of Object.entries(files)) await writeFile(join(ws, name), content);
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], {
        cwd: ws,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://git.example.com/data/nightly-report.git');
    git('add', '.');
    git('commit', '-q', '-m', 'nightly inputs');

    const run = await pipeline<{ exported: Record<string, string>; report: string }>(
      'nightly.groovy',
      {
        HOME: dir,
        WORKSPACE: ws,
        JOB_NAME: 'nightly-report',
        BUILD_NUMBER: '7',
        JENKINS_URL: 'https://jenkins.example.com/',
        STOWAGE_TEST_URL: server.url,
        // How the README says to use the bundle on an agent with only Node.
        STOWAGE_TEST_CLI: `node '${BUNDLE}'`,
        HARNESS_CREDENTIALS: JSON.stringify({ [TOKEN_ID]: server.adminToken }),
        // Who answers the interactive promotion (Jenkins' submitterParameter).
        HARNESS_SUBMITTER: 'alice',
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.harness.failure, null, output);
    assert.equal(run.code, 0, output);
    assert.deepEqual(run.harness.steps, [
      'stowageCli',
      'stowagePromote',
      'stowagePublish',
      'stowageReport',
      'stowageSetup',
      'stowageUpload',
    ]);

    // stowageSetup exported what the other steps default to.
    assert.deepEqual(run.harness.result.exported, {
      STOWAGE_URL: server.url,
      STOWAGE_CREDENTIALS_ID: TOKEN_ID,
      STOWAGE_CLI: `node '${BUNDLE}'`,
      STOWAGE_BUILD_NAME: 'nightly-report',
      STOWAGE_BUILD_NUMBER: '7',
    });

    // The token went through the environment only: in no command line, in no output (sh -x
    // prints every command it runs).
    const scripts = run.harness.calls.filter((c) => c.step === 'sh');
    assert.equal(scripts.length, 6, 'setup, upload, publish, promote ×2, report');
    for (const c of scripts) assert.ok(!c.script?.includes(server.adminToken), c.script);
    assert.ok(!output.includes(server.adminToken), 'the token appears in the output');
    for (const c of run.harness.calls.filter((c) => c.step === 'withCredentials')) {
      assert.deepEqual(c.ids, [TOKEN_ID]);
    }

    // The interactive promotion asked with a choice of the stages and a comment.
    const asked = run.harness.calls.filter((c) => c.step === 'input');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.message, 'Promote nightly-report #7 to which stage?');
    assert.equal(asked[0]?.submitter, 'ops');
    assert.equal(asked[0]?.submitterParameter, 'STOWAGE_APPROVER');
    assert.deepEqual(
      asked[0]?.parameters?.map((p) => [p.$symbol, p.name, p.choices]),
      [
        ['choice', 'STAGE', ['qa', 'release']],
        ['string', 'COMMENT', undefined],
      ],
    );

    // The server has the build-info, its artifacts and both promotions.
    const { status, body } = await api<{
      buildInfo: {
        name: string;
        number: string;
        modules: { artifacts: { name: string; sha256: string }[] }[];
        statuses?: { status: string; comment?: string; repository?: string; approver?: string }[];
        vcs?: { url?: string; revision?: string }[];
        properties?: Record<string, string>;
      };
    }>('/api/build/nightly-report/7');
    assert.equal(status, 200);
    const info = body.buildInfo;
    assert.equal(info.name, 'nightly-report');
    assert.equal(info.number, '7');
    assert.deepEqual(info.modules.flatMap((m) => m.artifacts.map((a) => a.name)).sort(), [
      'report.csv',
      'summary.json',
    ]);
    assert.deepEqual(
      info.statuses?.map((s) => [s.status, s.comment, s.approver]),
      [
        ['qa', 'row counts checked', undefined],
        ['release', "approved by ops; $HOME isn't expanded", 'alice'],
      ],
    );
    assert.equal(info.vcs?.[0]?.url, 'https://git.example.com/data/nightly-report.git');
    assert.equal(info.vcs?.[0]?.revision, git('rev-parse', 'HEAD').trim());
    const props = JSON.stringify(info.properties ?? {});
    assert.ok(!props.includes(server.adminToken), 'the token was collected with the environment');

    // The artifacts moved to the release repository, with the properties set on upload.
    const stored = await api<{ properties: Record<string, string[]> }>(
      '/api/storage/generic-release/nightly-report/7/report.csv?properties',
    );
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.properties.tier, ['gold', 'silver']);
    assert.deepEqual(stored.body.properties.note, ["it's; odd, isn't it"]);
    assert.equal(stored.body.properties['build.number']?.[0], '7');
    assert.equal((await api('/api/storage/generic-qa/nightly-report/7/report.csv')).status, 404);

    // stowageReport printed and returned the build and its history.
    assert.match(run.harness.result.report, /report\.csv/);
    assert.match(run.harness.result.report, /release/);
  });

  /** One agent's pipeline (scenarios/agent.groovy) in its own empty workspace. */
  const agent = async (
    name: string,
    extra: Record<string, string>,
    files: Record<string, string> = {},
  ): Promise<Pipeline<{ cli: string; exportedCli: string | null }> & { ws: string }> => {
    const ws = join(dir, name);
    await mkdir(ws, { recursive: true });
    for (const [f, content] of Object.entries(files)) await writeFile(join(ws, f), content);
    const run = await pipeline<{ cli: string; exportedCli: string | null }>('agent.groovy', {
      HOME: join(dir, `${name}-home`),
      WORKSPACE: ws,
      JOB_NAME: 'assembled',
      BUILD_NUMBER: '3',
      STOWAGE_TEST_URL: server.url,
      HARNESS_CREDENTIALS: JSON.stringify({ [TOKEN_ID]: server.adminToken }),
      ...extra,
    });
    return { ...run, ws };
  };

  it('sets up npm on a clean workspace with the library’s own CLI, after checking the server', async () => {
    const version = (
      await readFile(join(LIB, 'resources/io/stowage/jenkins/stowage.version'), 'utf8')
    ).trim();
    const pkg = JSON.parse(await readFile(join(LIB, '..', 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(version, pkg.version, 'the library pins the CLI version it ships');
    const run = await agent('clean', { STOWAGE_TEST_TOOLS: 'npm', JOB_NAME: 'clean' });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.harness.failure, null, output);
    // The CLI was written from the library's resources, once, and runs with the agent's node:
    // the loader and its parts, every file stowage.files names, the loader last.
    const resources = join(LIB, 'resources/io/stowage/jenkins');
    const names = (await readFile(join(resources, 'stowage.files'), 'utf8')).trim().split('\n');
    assert.equal(names.at(-1), 'stowage.mjs');
    assert.ok(names.includes('stowage-cli.mjs'), names.join(', '));
    assert.deepEqual(
      [...names].sort(),
      (await readdir(resources)).filter((n) => n.endsWith('.mjs')).sort(),
      'stowage.files names every part in resources/',
    );
    const cliDir = join(run.ws, '.stowage', 'cli', `stowage-${version}`);
    const cliFile = join(cliDir, 'stowage.mjs');
    assert.equal(run.harness.result.cli, `'node' '${cliFile}'`);
    assert.equal(run.harness.result.exportedCli, null, 'a per-agent CLI is not shared through env');
    assert.deepEqual(
      run.harness.calls.filter((c) => c.step === 'writeFile').map((c) => c.file),
      names.map((n) => `.stowage/cli/stowage-${version}/${n}`),
    );
    for (const n of names) {
      assert.ok(
        (await readFile(join(cliDir, n))).equals(await readFile(join(resources, n))),
        `${n} arrived as it is`,
      );
    }
    // The server and the token were checked before `setup` wrote anything.
    const [script] = run.harness.calls.filter((c) => c.step === 'sh').map((c) => c.script ?? '');
    assert.ok(script);
    const lines = script.split('\n');
    const ping = lines.findIndex((l) => / 'ping'$/.test(l));
    const setup = lines.findIndex((l) => l.includes("'setup' 'npm'"));
    assert.ok(ping >= 0 && setup > ping, script);
    assert.match(script, /'--env-out' '\.stowage\/setup\.env'/);
    assert.doesNotMatch(script, /--env-file/);
    assert.match(await readFile(join(run.ws, '.npmrc'), 'utf8'), /\/api\/npm\/npm\//);
  });

  it('stops before writing anything when the server refuses the token', async () => {
    const ws = join(dir, 'refused');
    const run = await pipeline<unknown>('agent.groovy', {
      HOME: dir,
      WORKSPACE: ws,
      JOB_NAME: 'refused',
      BUILD_NUMBER: '1',
      STOWAGE_TEST_URL: server.url,
      STOWAGE_TEST_TOOLS: 'npm',
      HARNESS_CREDENTIALS: JSON.stringify({ [TOKEN_ID]: 'stw_not_a_token' }),
    });
    assert.match(run.harness.failure ?? '', /script returned exit code 1/);
    assert.match(run.stdout + run.stderr, /refuses the token/);
    assert.ok(!existsSync(join(ws, '.npmrc')), 'nothing was written');
  });

  it('publishes a build complete from parts that two other workspaces uploaded', async () => {
    const a = await agent('part-a', { STOWAGE_TEST_UPLOAD: 'a.csv' }, { 'a.csv': 'a,1\n' });
    assert.equal(a.harness.failure, null, a.stdout + a.stderr);
    const b = await agent('part-b', { STOWAGE_TEST_UPLOAD: 'b.csv' }, { 'b.csv': 'b,2\n' });
    assert.equal(b.harness.failure, null, b.stdout + b.stderr);
    // A third agent, which uploaded nothing itself, publishes.
    const c = await agent('part-c', { STOWAGE_TEST_PUBLISH: '1' });
    assert.equal(c.harness.failure, null, c.stdout + c.stderr);
    assert.doesNotMatch(c.stdout + c.stderr, /no artifacts and no dependencies/);
    const { body } = await api<{ buildInfo: { modules: { artifacts: { name: string }[] }[] } }>(
      '/api/build/assembled/3',
    );
    assert.deepEqual(body.buildInfo.modules.flatMap((m) => m.artifacts.map((x) => x.name)).sort(), [
      'a.csv',
      'b.csv',
    ]);
  });

  it('loses nothing when two agents publish parts of one build at the same instant', async () => {
    const env = { JOB_NAME: 'concurrent', STOWAGE_TEST_PUBLISH: '1' };
    const [x, y] = await Promise.all([
      agent('race-x', { ...env, STOWAGE_TEST_UPLOAD: 'x.csv' }, { 'x.csv': 'x\n' }),
      agent('race-y', { ...env, STOWAGE_TEST_UPLOAD: 'y.csv' }, { 'y.csv': 'y\n' }),
    ]);
    assert.equal(x.harness.failure, null, x.stdout + x.stderr);
    assert.equal(y.harness.failure, null, y.stdout + y.stderr);
    const { body } = await api<{ buildInfo: { modules: { artifacts: { name: string }[] }[] } }>(
      '/api/build/concurrent/3',
    );
    assert.deepEqual(body.buildInfo.modules.flatMap((m) => m.artifacts.map((z) => z.name)).sort(), [
      'x.csv',
      'y.csv',
    ]);
  });

  it('stops on bad arguments with the step’s message, before running anything', async () => {
    const run = await pipeline<Record<string, string | null>>('bad-arguments.groovy', {
      HOME: dir,
      WORKSPACE: dir,
      HARNESS_CREDENTIALS: JSON.stringify({ [TOKEN_ID]: 'not-used' }),
    });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.harness.failure, null, output);
    const expected: Record<string, RegExp> = {
      'setup: unknown key': /^stowageSetup: unknown argument 'colour' \(known: .*credentialsId/,
      'setup: missing url':
        /^stowageSetup: 'url' is required \(pass url: or call stowageSetup first\)\nstowageSetup: 'buildName' is required/,
      'setup: tools need a repo': /^stowageSetup: 'repo' is required$/,
      'setup: tools type': /^stowageSetup: 'tools' must be a List of Strings, not String$/,
      'upload: missing':
        /^stowageUpload: 'patterns' is required\nstowageUpload: 'target' is required$/,
      'upload: patterns type': /^stowageUpload: 'patterns' must be a List of Strings, not String$/,
      'upload: props type': /^stowageUpload: 'props' must be a Map, not String$/,
      'publish: boolean type': /^stowagePublish: 'collectEnv' must be a Boolean, not String$/,
      'promote: missing to': /^stowagePromote: 'to' is required$/,
      'promote: no stages': /^stowagePromote: 'stages' is required$/,
      'promote: to and asking': /^stowagePromote: 'to' and 'interactive' exclude each other/,
      'promote: answer':
        /^stowagePromote: the answer 'prod' is not one of the stages \[qa, release\]$/,
      'report: number type': /^stowageReport: 'buildNumber' must be a String or a number, not/,
    };
    assert.deepEqual(Object.keys(run.harness.result).sort(), Object.keys(expected).sort());
    for (const [name, pattern] of Object.entries(expected)) {
      const message = run.harness.result[name];
      assert.ok(message, `${name}: the step did not fail`);
      // Thrown by the `error` step (PipelineError), not by Groovy or the harness.
      assert.ok(message.startsWith('PipelineError: '), `${name}: ${message}`);
      assert.match(message.slice('PipelineError: '.length), pattern, name);
    }
    assert.deepEqual(
      run.harness.calls.filter((c) => c.step === 'sh' || c.step === 'withCredentials'),
      [],
      'nothing ran',
    );
  });
});

describe('Jenkins shared library help pages', () => {
  it('has a .txt beside every step, naming each of its arguments, with an example', async () => {
    const vars = join(LIB, 'vars');
    const steps = (await readdir(vars)).filter((f) => f.endsWith('.groovy'));
    assert.deepEqual(steps.map((f) => f.slice(0, -'.groovy'.length)).sort(), [
      'stowageCli',
      'stowagePromote',
      'stowagePublish',
      'stowageReport',
      'stowageSetup',
      'stowageUpload',
    ]);
    for (const file of steps) {
      const source = await readFile(join(vars, file), 'utf8');
      const help = await readFile(join(vars, file.replace(/\.groovy$/, '.txt')), 'utf8');
      const types = /Map types = \[([^\]]*)\]/.exec(source)?.[1];
      assert.ok(types, `${file} declares its argument types`);
      const keys = [...types.matchAll(/(\w+): '/g)].map((m) => m[1] ?? '');
      assert.ok(keys.length > 0);
      for (const key of keys) {
        assert.match(help, new RegExp(`^  ${key}: \\((Optional|Required)`, 'm'), `${file}: ${key}`);
        // Every argument has a commented default (the defaults map lists them all).
        assert.match(source, new RegExp(`^    ${key}: `, 'm'), `${file}: default for ${key}`);
      }
      assert.match(help, /^Examples?:$/m, file);
      // Jenkins' default markup formatter shows the text as it is (HTML escaped): no tags, no
      // entities, no Markdown to be read as noise.
      assert.doesNotMatch(help, /<\/?(p|ul|li|code|pre|b|i|a|br)\b[^>]*>/i, `${file}: HTML tags`);
      assert.doesNotMatch(help, /&(lt|gt|amp|quot|#\d+);/, `${file}: HTML entities`);
      assert.doesNotMatch(help, /```|\*\*\w[^*\n]*\*\*|^#{1,6} /m, `${file}: Markdown`);
      for (const line of help.split('\n'))
        assert.ok(line.length <= 100, `${file}: "${line}" is long`);
      assert.match(source, /^def call\(Map config = \[:\]\) \{$/m, file);
    }
  });
});
