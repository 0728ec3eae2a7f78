import io.stowage.jenkins.Args

/**
 * Points the rest of the pipeline at a Stowage (or Artifactory) server: exports STOWAGE_URL, the
 * credentials id and the build's name and number through `env` for the other stowage* steps,
 * installs the library's pinned CLI on the agent (stowageCli), checks that the server answers
 * and takes the token (`stowage ping`) before writing anything, and optionally runs `stowage
 * setup <tool…>` so package managers resolve through the server. See stowageSetup.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // Server URL. Required, here or as env.STOWAGE_URL.
    url: env.STOWAGE_URL,
    // Jenkins "Secret text" credentials holding a Stowage token. Required.
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    // A CLI installed on the agent, as shell words (e.g. 'stowage'). Default: the library's own
    // pinned CLI, written onto each agent by stowageCli.
    cli: env.STOWAGE_CLI,
    // The build every later step records to: the Jenkins job and run by default.
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
    // Package managers to configure (`stowage setup`), e.g. ['npm', 'maven']. None by default.
    tools: [],
    // Repository they resolve from (usually a virtual one). Required when tools are given.
    repo: null,
    // Repository they publish to. Default: repo.
    deployRepo: null,
    // Replace existing configuration files (.npmrc, settings.xml, …) as a whole. By default only
    // what Stowage wrote into them before is updated (so each build gets its own token).
    overwrite: false,
    // Where `stowage setup` appends the NAME=value variables a tool needs (e.g. GOPROXY).
    envFile: '.stowage/setup.env',
    // Check the server and the token (`stowage ping`) before anything is written.
    check: true,
  ]
  Map types = [url: 'String', credentialsId: 'String', cli: 'String', buildName: 'String',
               buildNumber: 'Text', tools: 'List', repo: 'String', deployRepo: 'String',
               overwrite: 'Boolean', envFile: 'String', check: 'Boolean']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> required = ['url', 'credentialsId', 'buildName', 'buildNumber']
  if (cfg.tools) required << 'repo'
  List<String> problems = Args.problems('stowageSetup', config, cfg, types, required)
  if (problems) error(problems.join('\n'))

  env.STOWAGE_URL = cfg.url
  env.STOWAGE_CREDENTIALS_ID = cfg.credentialsId
  // Only a CLI the caller named is shared through env: the library's own is per agent.
  if (cfg.cli) env.STOWAGE_CLI = cfg.cli
  env.STOWAGE_BUILD_NAME = cfg.buildName.toString()
  env.STOWAGE_BUILD_NUMBER = cfg.buildNumber.toString()
  String cli = stowageCli(cli: cfg.cli)

  List<String> lines = [Args.command(cli, ['--version'])]
  if (cfg.check) lines << Args.command(cli, ['--url', cfg.url, 'ping'])
  if (cfg.tools) {
    // Not --env-file: Node itself takes that flag on a `node stowage.mjs …` command line.
    List<String> args = ['setup'] + cfg.tools + ['--repo', cfg.repo, '--env-out', cfg.envFile]
    if (cfg.deployRepo) args += ['--deploy-repo', cfg.deployRepo]
    if (cfg.overwrite) args << '--overwrite'
    int slash = cfg.envFile.lastIndexOf('/')
    if (slash > 0) lines << 'mkdir -p ' + Args.quote(cfg.envFile.substring(0, slash))
    lines << Args.command(cli, Args.globals(cfg) + args)
  }
  // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
  withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
    sh(label: 'stowage setup', script: lines.join('\n'))
  }
}
