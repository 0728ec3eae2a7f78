import io.stowage.jenkins.Args

/**
 * Returns how to run `stowage` on this agent. By default it is the CLI this library ships
 * (resources/io/stowage/jenkins/: stowage.mjs, a small loader, and the stowage-*.mjs parts it
 * loads, all named in stowage.files; pinned to the version in stowage.version): written once into
 * the workspace's .stowage/cli/stowage-<version>/ and run with the agent's Node (22 or later).
 * With `cli` (or env.STOWAGE_CLI) that command is used as it is. The other stowage* steps call
 * it, so each agent gets the CLI the first time a step runs there. See stowageCli.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // A CLI installed on the agent, as shell words (e.g. 'stowage'). Default: the library's own.
    cli: env.STOWAGE_CLI,
    // The Node that runs the library's CLI.
    node: 'node',
  ]
  Map types = [cli: 'String', node: 'String']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> problems = Args.problems('stowageCli', config, cfg, types, ['node'])
  if (problems) error(problems.join('\n'))
  if (cfg.cli) return cfg.cli

  String version = libraryResource('io/stowage/jenkins/stowage.version').trim()
  if (!(version ==~ /[0-9A-Za-z.+-]+/)) error("stowageCli: the library's stowage.version is unusable: '${version}'")
  String dir = ".stowage/cli/stowage-${version}"
  String file = "${dir}/stowage.mjs"
  if (!fileExists(file)) {
    List<String> names = []
    for (String line : libraryResource('io/stowage/jenkins/stowage.files').split('\n')) {
      String name = line.trim()
      if (!name) continue
      if (!(name ==~ /stowage(-[0-9A-Za-z_-]+)?\.mjs/)) error("stowageCli: the library's stowage.files names '${name}'")
      names << name
    }
    // The loader comes last: a step stopped half-way leaves no stowage.mjs, so the next step
    // writes them all again.
    if (!names || names[-1] != 'stowage.mjs') error("stowageCli: the library's stowage.files does not end with stowage.mjs")
    for (String name : names) {
      // Base64 on both sides: the bundle's bytes arrive as they are, whatever the agent's charset.
      writeFile(file: "${dir}/${name}", encoding: 'Base64',
                text: libraryResource(resource: "io/stowage/jenkins/${name}", encoding: 'Base64'))
    }
  }
  return Args.quote(cfg.node) + ' ' + Args.quote("${pwd()}/${file}".toString())
}
