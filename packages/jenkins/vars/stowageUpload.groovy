import io.stowage.jenkins.Args

/**
 * Uploads workspace files matching glob patterns to a repository path, each stamped with the
 * build (`stowage upload`) and recorded as an artifact of the build, then sends that record to
 * the server as a part of the build in progress (`stowage build push-part`), so stowagePublish
 * on any agent or job includes it. See stowageUpload.txt.
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
    // Keep the record on the server (true), so a publish on another agent includes it, or only
    // in this workspace (false: stowagePublish must then run here). Stowage only.
    pushPart: true,
    // Set by stowageSetup; override per call if needed.
    url: env.STOWAGE_URL,
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    // A CLI installed on the agent; default: the library's own (stowageCli).
    cli: env.STOWAGE_CLI,
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
  ]
  Map types = [patterns: 'List', target: 'String', props: 'Map', flat: 'Boolean',
               module: 'String', dryRun: 'Boolean', pushPart: 'Boolean', url: 'String', credentialsId: 'String',
               cli: 'String', buildName: 'String', buildNumber: 'Text']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> problems = Args.problems('stowageUpload', config, cfg, types,
      ['patterns', 'target', 'url', 'credentialsId'])
  if (problems) error(problems.join('\n'))
  String cli = stowageCli(cli: cfg.cli)

  List<String> args = ['upload'] + cfg.patterns + [cfg.target]
  if (cfg.props) args += ['--props', Args.props(cfg.props)]
  if (!cfg.flat) args << '--no-flat'
  if (cfg.module) args += ['--module', cfg.module]
  if (cfg.dryRun) args << '--dry-run'
  List<String> lines = [Args.command(cli, Args.globals(cfg) + args)]
  if (cfg.pushPart && !cfg.dryRun) lines << Args.command(cli, Args.globals(cfg) + ['build', 'push-part'])
  // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
  withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
    sh(label: 'stowage upload', script: lines.join('\n'))
  }
}
