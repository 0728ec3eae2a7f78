import io.stowage.jenkins.Args

/**
 * Promotes a published build to a stage (`stowage build promote`): moves (or copies) its
 * artifacts to the stage's repository and appends a status. With `interactive: true` a person
 * picks the stage from `stages` (and writes a comment) with Jenkins' `input` first.
 * See stowagePromote.txt.
 */
def call(Map config = [:]) {
  Map defaults = [
    // Stage (staged, qa, release, …) or repository key. Required unless interactive.
    to: null,
    // Ask a person which of `stages` to promote to, with `input`.
    interactive: false,
    // The stages offered when interactive, e.g. ['qa', 'release']. Required when interactive.
    stages: [],
    // The question, and who may answer it (comma-separated users or groups; anyone if null).
    message: null,
    submitter: null,
    // Who approved the promotion, recorded with the status (e.g. env.APPROVER from a
    // declarative stage's `input { submitterParameter 'APPROVER' }`). Interactive: who answered.
    approver: null,
    // Promote (record the status) even when the build has nothing to move.
    allowEmpty: false,
    // Status recorded. Default: the stage's name.
    status: null,
    // Comment stored with the status (interactive: the answer's default).
    comment: null,
    // Copy the artifacts instead of moving them.
    copy: false,
    // Check the promotion; change nothing.
    dryRun: false,
    // Properties set on the promoted artifacts.
    props: [:],
    // Only promote artifacts found in this repository.
    sourceRepo: null,
    // Promote the build's dependencies too.
    includeDependencies: false,
    // All or nothing (true), or promote what can be promoted (false).
    failFast: true,
    // Set by stowageSetup; override per call to promote another build.
    url: env.STOWAGE_URL,
    credentialsId: env.STOWAGE_CREDENTIALS_ID,
    // A CLI installed on the agent; default: the library's own (stowageCli).
    cli: env.STOWAGE_CLI,
    buildName: env.STOWAGE_BUILD_NAME ?: env.JOB_NAME,
    buildNumber: env.STOWAGE_BUILD_NUMBER ?: env.BUILD_NUMBER,
  ]
  Map types = [to: 'String', interactive: 'Boolean', stages: 'List', message: 'String',
               submitter: 'String', approver: 'String', allowEmpty: 'Boolean', status: 'String', comment: 'String', copy: 'Boolean',
               dryRun: 'Boolean', props: 'Map', sourceRepo: 'String',
               includeDependencies: 'Boolean', failFast: 'Boolean', url: 'String',
               credentialsId: 'String', cli: 'String', buildName: 'String', buildNumber: 'Text']
  Map cfg = defaults + config.findAll { it.value != null }
  List<String> required = ['url', 'credentialsId', 'buildName', 'buildNumber']
  required << (cfg.interactive == true ? 'stages' : 'to')
  List<String> problems = Args.problems('stowagePromote', config, cfg, types, required)
  if (cfg.interactive == true && config.to != null) {
    problems << "stowagePromote: 'to' and 'interactive' exclude each other (the answer picks the stage)".toString()
  }
  if (problems) error(problems.join('\n'))

  String build = "${cfg.buildName} #${cfg.buildNumber}"
  if (cfg.interactive) {
    Map inputArgs = [
      message: cfg.message ?: "Promote ${build} to which stage?".toString(),
      ok: 'Promote',
      // Jenkins adds who answered under this name: recorded as the approver.
      submitterParameter: 'STOWAGE_APPROVER',
      parameters: [
        choice(name: 'STAGE', choices: cfg.stages, description: 'Stage to promote the build to'),
        string(name: 'COMMENT', defaultValue: cfg.comment ?: '', description: 'Comment stored with the status'),
      ],
    ]
    if (cfg.submitter) inputArgs.submitter = cfg.submitter
    def answer = input(inputArgs)
    String stage = answer instanceof Map ? answer.STAGE : answer
    if (!(stage in cfg.stages)) {
      error("stowagePromote: the answer '${stage}' is not one of the stages ${cfg.stages}")
    }
    cfg.to = stage
    if (answer instanceof Map && answer.COMMENT) cfg.comment = answer.COMMENT.toString()
    if (answer instanceof Map && answer.STOWAGE_APPROVER) cfg.approver = answer.STOWAGE_APPROVER.toString()
    echo("stowagePromote: promoting ${build} to ${stage}${cfg.approver ? " (approved by ${cfg.approver})" : ''}")
  }

  // Resolved after the question: the CLI is written onto the agent only once someone answered.
  String cli = stowageCli(cli: cfg.cli)

  List<String> args = ['build', 'promote', cfg.buildName.toString(), cfg.buildNumber.toString(),
                       '--to', cfg.to]
  if (cfg.status) args += ['--status', cfg.status]
  if (cfg.comment) args += ['--comment', cfg.comment]
  if (cfg.copy) args << '--copy'
  if (cfg.dryRun) args << '--dry-run'
  if (cfg.props) args += ['--props', Args.props(cfg.props)]
  if (cfg.sourceRepo) args += ['--source-repo', cfg.sourceRepo]
  if (cfg.includeDependencies) args << '--include-dependencies'
  if (!cfg.failFast) args << '--no-fail-fast'
  if (cfg.allowEmpty) args << '--allow-empty'
  if (cfg.approver) args += ['--approver', cfg.approver]
  String command = Args.command(cli, (cfg.url ? ['--url', cfg.url] : []) + args)
  // The token reaches the CLI as STOWAGE_TOKEN in the environment, never on the command line.
  withCredentials([string(credentialsId: cfg.credentialsId, variable: 'STOWAGE_TOKEN')]) {
    sh(label: "stowage build promote --to ${cfg.to}", script: command)
  }
}
