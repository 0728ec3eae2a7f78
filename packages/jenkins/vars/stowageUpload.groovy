import io.stowage.jenkins.Args

/**
 * Uploads workspace files matching glob patterns to a repository path, each stamped with the
 * build (`stowage upload`) and recorded as an artifact of the build for stowagePublish.
 * See stowageUpload.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // File globs relative to the workspace, e.g. ['out/*.csv', 'dist/*.tgz']. Required.
    patterns: null,
    // Repository path, e.g. 'generic-staging/nightly-report/'. A trailing slash is a folder.
    // Required.
    target: null,
    // Properties set on every file, e.g. [team: 'data', tier: ['gold', 'silver']].
    props: [:],
    // Upload into the target folder by base name (true) or keep relative paths (false).
    flat: true,
    // Build-info module the files belong to. Default: the build name.
    module: null,
    // Show what would be uploaded; upload nothing.
    dryRun: false,
    // Set by stowageSetup; override per call if needed.
    url: env.STOWAGE_URL,
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    cli: env.STOWAGE_CLI ?: 'stowage',
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
  ]
  Map types = [patterns: 'List', target: 'String', props: 'Map', flat: 'Boolean',
               module: 'String', dryRun: 'Boolean', url: 'String', credentialsId: 'String',
               cli: 'String', buildName: 'String', buildNumber: 'Text']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> problems = Args.problems('stowageUpload', config, cfg, types,
      ['patterns', 'target', 'url', 'credentialsId', 'cli'])
  if (problems) error(problems.join('\n'))

  List<String> args = ['upload'] + cfg.patterns + [cfg.target]
  if (cfg.props) args += ['--props', Args.props(cfg.props)]
  if (!cfg.flat) args << '--no-flat'
  if (cfg.module) args += ['--module', cfg.module]
  if (cfg.dryRun) args << '--dry-run'
  String command = Args.command(cfg.cli, Args.globals(cfg) + args)
  // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
  withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
    sh(label: 'stowage upload', script: command)
  }
}
