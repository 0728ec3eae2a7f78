/**
 * The name a project gives itself, for the default build-info module id of `build add-deps`:
 * package.json's name (npm), pom.xml's groupId:artifactId (maven, gradle), go.mod's module path
 * (go), pyproject.toml's or setup.cfg's name (pip), DESCRIPTION's Package (r), environment.yml's
 * name (conda), the project file's name (nuget). Undefined when the project does not say, so the
 * caller falls back to the directory's name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function text(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

const clean = (s: string | undefined): string | undefined => {
  const v = s?.trim().replace(/^["']|["']$/g, '');
  return v && /^[\w@./:+-]{1,214}$/.test(v) ? v : undefined;
};

export async function projectName(tool: string, dir: string): Promise<string | undefined> {
  switch (tool) {
    case 'npm': {
      const pkg = await text(join(dir, 'package.json'));
      if (!pkg) return undefined;
      try {
        const name = (JSON.parse(pkg) as { name?: unknown }).name;
        return typeof name === 'string' ? clean(name) : undefined;
      } catch {
        return undefined;
      }
    }
    case 'maven':
    case 'gradle': {
      const pom = await text(join(dir, 'pom.xml'));
      if (pom) {
        // The project's own coordinates: outside <parent>, <dependencies> and the like.
        const top = pom
          .replace(/<!--[\s\S]*?-->/g, '')
          .replace(
            /<(parent|dependencies|dependencyManagement|build|profiles|plugins)>[\s\S]*?<\/\1>/g,
            '',
          );
        const artifact = clean(/<artifactId>([^<]+)<\/artifactId>/.exec(top)?.[1]);
        const group =
          clean(/<groupId>([^<]+)<\/groupId>/.exec(top)?.[1]) ??
          clean(/<parent>[\s\S]*?<groupId>([^<]+)<\/groupId>/.exec(pom)?.[1]);
        if (artifact) return group ? `${group}:${artifact}` : artifact;
      }
      const settings =
        (await text(join(dir, 'settings.gradle'))) ??
        (await text(join(dir, 'settings.gradle.kts')));
      return clean(/rootProject\.name\s*=\s*["']([^"']+)["']/.exec(settings ?? '')?.[1]);
    }
    case 'go':
      return clean(/^module\s+(\S+)/m.exec((await text(join(dir, 'go.mod'))) ?? '')?.[1]);
    case 'pip': {
      const pyproject = await text(join(dir, 'pyproject.toml'));
      const fromToml = /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)["']/ms.exec(
        pyproject ?? '',
      )?.[1];
      if (fromToml) return clean(fromToml);
      return clean(
        /^\[metadata\][^[]*?^name\s*=\s*(\S+)/ms.exec(
          (await text(join(dir, 'setup.cfg'))) ?? '',
        )?.[1],
      );
    }
    case 'r':
      return clean(/^Package:\s*(\S+)/m.exec((await text(join(dir, 'DESCRIPTION'))) ?? '')?.[1]);
    case 'conda':
      return clean(/^name:\s*(\S+)/m.exec((await text(join(dir, 'environment.yml'))) ?? '')?.[1]);
    case 'nuget': {
      const files = await readdir(dir).catch(() => [] as string[]);
      const proj = files.filter((f) => /\.(cs|fs|vb)proj$/.test(f)).sort()[0];
      return proj ? clean(proj.replace(/\.\w+proj$/, '')) : undefined;
    }
    default:
      return undefined;
  }
}
