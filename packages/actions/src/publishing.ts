/** Publishing the local build-info store, shared by the publish action and setup's post step. */
import {
  BuildStore,
  mergeBuildInfo,
  newBuildInfo,
  parseStarted,
  publishMerged,
  type BuildInfo,
  type CiInfo,
  type RepositoryClient,
} from '@stowage/core';
import { USER_AGENT } from './constants.ts';

export interface PublishStoreOptions {
  client: RepositoryClient;
  store: BuildStore;
  name: string;
  number: string;
  ci: CiInfo;
  dryRun?: boolean;
  /** Build properties to add (e.g. the job's result). */
  properties?: Record<string, string>;
}

/**
 * Merges the parts recorded locally, stamps agent/url/principal/duration, and publishes the
 * result merged with what the server already has for the build (several jobs each publish a
 * part; the write is conditional, so jobs publishing at the same instant lose nothing). Clears
 * the local parts after a real publish. Undefined when nothing was recorded and no properties
 * were given.
 */
export async function publishStore(o: PublishStoreOptions): Promise<BuildInfo | undefined> {
  const props = o.properties && Object.keys(o.properties).length ? o.properties : undefined;
  const local: Partial<BuildInfo> | undefined =
    (await o.store.load(o.name, o.number)) ??
    (props ? { name: o.name, number: o.number } : undefined);
  if (!local) return undefined;
  if (props) local.properties = { ...local.properties, ...props };
  const now = new Date();
  const started = local.started ? parseStarted(local.started) : now;
  const version = USER_AGENT.split('/')[1] ?? '0.0.0';
  const base = newBuildInfo({
    name: o.name,
    number: o.number,
    started,
    agent: o.ci.agent ?? { name: 'GitHub Actions' },
    buildAgent: { name: 'stowage-actions', version },
    ...(o.ci.url ? { url: o.ci.url } : {}),
    ...(o.ci.principal ? { principal: o.ci.principal } : {}),
  });
  const info = mergeBuildInfo(base, local);
  info.name = o.name;
  info.number = o.number;
  info.durationMillis = Math.max(0, now.getTime() - started.getTime());
  if (o.dryRun) return info;
  const published = await publishMerged(o.client, info);
  await o.store.clear(o.name, o.number);
  return published;
}
