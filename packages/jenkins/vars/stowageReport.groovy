import io.stowage.jenkins.Args

/**
 * Prints a published build (`stowage build show`: summary, artifacts, dependencies, statuses)
 * and, with `history`, the build's runs with their latest status (`stowage build list <name>`).
 * Returns the printed text (or JSON) for later steps. See stowageReport.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // Also list the build's runs and their statuses (text only).
    history: true,
    // Print and return the build-info as JSON (`stowage build show --json`) instead of text.
    json: false,
    // Set by stowageSetup; override per call to report on another build. A token is needed
    // only when the server does not allow anonymous reads.
    url: env.STOWAGE_URL,
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    // A CLI installed on the agent; default: the library's own (stowageCli).
    cli: env.STOWAGE_CLI,
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
  ]
  Map types = [history: 'Boolean', json: 'Boolean', url: 'String', credentialsId: 'String',
               cli: 'String', buildName: 'String', buildNumber: 'Text']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> problems = Args.problems('stowageReport', config, cfg, types,
      ['url', 'buildName', 'buildNumber'])
  if (problems) error(problems.join('\n'))
  String cli = stowageCli(cli: cfg.cli)

  List<String> globals = ['--url', cfg.url] + (cfg.json ? ['--json'] : [])
  List<String> lines = [Args.command(cli, globals + ['build', 'show', cfg.buildName.toString(),
                                                         cfg.buildNumber.toString()])]
  if (cfg.history && !cfg.json) lines << Args.command(cli, globals + ['build', 'list', cfg.buildName.toString()])
  String script = lines.join('\n')
  String text
  if (cfg.credentialsId) {
    // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
    withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
      text = sh(label: 'stowage build show', script: script, returnStdout: true)
    }
  } else {
    text = sh(label: 'stowage build show', script: script, returnStdout: true)
  }
  echo(text)
  return text
}
