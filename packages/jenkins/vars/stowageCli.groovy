import io.stowage.jenkins.Args

/**
 * Returns how to run `stowage` on this agent. By default it is the CLI this library ships
 * (resources/io/stowage/jenkins/stowage.mjs, pinned to the version in stowage.version): written
 * once into the workspace's .stowage/cli/ and run with the agent's Node (22 or later). With
 * `cli` (or env.STOWAGE_CLI) that command is used as it is. The other stowage* steps call it,
 * so each agent gets the CLI the first time a step runs there. See stowageCli.txt.
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
  String file = ".stowage/cli/stowage-${version}.mjs"
  if (!fileExists(file)) {
    // Base64 on both sides: the bundle's bytes arrive as they are, whatever the agent's charset.
    writeFile(file: file, encoding: 'Base64',
              text: libraryResource(resource: 'io/stowage/jenkins/stowage.mjs', encoding: 'Base64'))
  }
  return Args.quote(cfg.node) + ' ' + Args.quote("${pwd()}/${file}".toString())
}
