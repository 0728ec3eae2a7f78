/**
 * The embedded server on the runner: its data directory restored from and saved to the Actions
 * cache (keyed by repository + workflow, one entry per run), the server run as a detached node
 * process, and stopped again by the post step.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import type { EmbeddedState } from '../state.ts';

export interface StartEmbeddedOptions {
  /** The bundled server entry (setup/dist/server.cjs). */
  serverScript: string;
  temp: string;
  repository: string;
  workflow: string;
  runId: string;
  cache: boolean;
  configFile?: string;
  timeoutMs?: number;
}

export interface Embedded extends EmbeddedState {
  url: string;
  token: string;
}

const keyPrefix = (repository: string, workflow: string): string =>
  `stowage-server-${repository}-${workflow}-`.replace(/[,\s]+/g, '_');

export async function startEmbedded(o: StartEmbeddedOptions): Promise<Embedded> {
  const root = join(o.temp, 'stowage-server');
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const readyFile = join(root, 'ready.json');
  await mkdir(root, { recursive: true });
  await rm(readyFile, { force: true });

  let cacheKey = '';
  let restoredKey = '';
  if (o.cache) {
    if (cache.isFeatureAvailable()) {
      const prefix = keyPrefix(o.repository, o.workflow);
      cacheKey = `${prefix}${o.runId}`;
      try {
        restoredKey = (await cache.restoreCache([dataDir], cacheKey, [prefix])) ?? '';
        core.info(
          restoredKey
            ? `restored the server's data from the cache (${restoredKey})`
            : 'no cached server data yet: starting empty',
        );
      } catch (err) {
        core.warning(`could not restore the server's data from the cache: ${String(err)}`);
      }
    } else {
      core.warning('the Actions cache service is not available: the server starts empty');
    }
  }

  const out = openSync(logFile, 'a');
  const args = [o.serverScript, dataDir, readyFile, ...(o.configFile ? [o.configFile] : [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = signal ?? String(code)));
  child.unref();

  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let ready: { url: string; pid: number } | undefined;
  while (!ready) {
    if (exited !== undefined || Date.now() > deadline) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (exited === undefined) child.kill('SIGTERM');
      throw new Error(
        `the embedded server ${exited !== undefined ? `exited (${exited})` : 'did not start in time'}; its log:\n${log.slice(-4000)}`,
      );
    }
    ready = await readFile(readyFile, 'utf8').then(
      (t) => JSON.parse(t) as { url: string; pid: number },
      () => undefined,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  const token = (await readFile(join(dataDir, 'admin.token'), 'utf8')).trim();
  return { url: ready.url, token, pid: ready.pid, dataDir, logFile, cacheKey, restoredKey };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the server (SIGTERM, then SIGKILL after `timeoutMs`) and saves its data to the cache. */
export async function stopEmbedded(s: EmbeddedState, timeoutMs = 15_000): Promise<void> {
  if (alive(s.pid)) {
    process.kill(s.pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (alive(s.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(s.pid)) {
      core.warning(`the embedded server (pid ${s.pid}) did not stop in time; killing it`);
      process.kill(s.pid, 'SIGKILL');
    }
  }
  core.info(`stopped the embedded server (log: ${s.logFile})`);
  if (!s.cacheKey) return;
  if (!cache.isFeatureAvailable()) {
    core.warning("the Actions cache service is not available: the server's data is not saved");
    return;
  }
  try {
    const id = await cache.saveCache([s.dataDir], s.cacheKey);
    core.info(`saved the server's data to the cache as ${s.cacheKey} (id ${id})`);
  } catch (err) {
    core.warning(`could not save the server's data to the cache: ${String(err)}`);
  }
}
