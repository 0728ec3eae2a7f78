import io.stowage.jenkins.Args

/**
 * Publishes the build-info: records the environment (secrets left out) and the git checkout,
 * then merges what stowageUpload recorded and sends it to the server (`stowage build
 * collect-env`, `build add-git`, `build publish`). See stowagePublish.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // Record environment variables (names with password, secret, token, key left out).
    collectEnv: true,
    // Record the git remote (credentials stripped), branch, revision and message.
    addGit: true,
    // Print the build-info instead of publishing it; keep the recorded parts.
    dryRun: false,
    // Set by stowageSetup; override per call if needed.
    url: env.STOWAGE_URL,
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    // A CLI installed on the agent; default: the library's own (stowageCli).
    cli: env.STOWAGE_CLI,
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
  ]
  Map types = [collectEnv: 'Boolean', addGit: 'Boolean', dryRun: 'Boolean', url: 'String',
               credentialsId: 'String', cli: 'String', buildName: 'String', buildNumber: 'Text']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> problems = Args.problems('stowagePublish', config, cfg, types,
      ['url', 'credentialsId', 'buildName', 'buildNumber'])
  if (problems) error(problems.join('\n'))
  String cli = stowageCli(cli: cfg.cli)

  List<String> build = [cfg.buildName.toString(), cfg.buildNumber.toString()]
  List<String> lines = []
  if (cfg.collectEnv) lines << Args.command(cli, ['build', 'collect-env'] + build)
  if (cfg.addGit) lines << Args.command(cli, ['build', 'add-git'] + build)
  List<String> publish = ['build', 'publish'] + build
  if (cfg.dryRun) publish << '--dry-run'
  lines << Args.command(cli, Args.globals(cfg) + publish)
  // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
  withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
    sh(label: 'stowage build publish', script: lines.join('\n'))
  }
}
