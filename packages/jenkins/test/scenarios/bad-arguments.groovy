/*
 * Each step called with wrong arguments: every call must stop in validation, with the step's
 * message, before anything runs (jenkins.test.ts checks the messages and that no sh ran).
 */
Map ok = [url: 'http://127.0.0.1:9', credentialsId: 'stowage-token', cli: 'stowage',
          buildName: 'nightly-report', buildNumber: '7']
Map cases = [
  'setup: unknown key'      : { stowageSetup(ok + [colour: 'red']) },
  'setup: missing url'      : { stowageSetup(credentialsId: 'stowage-token') },
  'setup: tools need a repo': { stowageSetup(ok + [tools: ['npm']]) },
  'setup: tools type'       : { stowageSetup(ok + [tools: 'npm', repo: 'npm-virtual']) },
  'upload: missing'         : { stowageUpload(ok) },
  'upload: patterns type'   : { stowageUpload(ok + [patterns: 'out/*.csv', target: 'generic-staging/x/']) },
  'upload: props type'      : { stowageUpload(ok + [patterns: ['a'], target: 'generic-staging/x/', props: 'a=b']) },
  'publish: boolean type'   : { stowagePublish(ok + [collectEnv: 'yes']) },
  'promote: missing to'     : { stowagePromote(ok) },
  'promote: no stages'      : { stowagePromote(ok + [interactive: true]) },
  'promote: to and asking'  : { stowagePromote(ok + [interactive: true, stages: ['qa'], to: 'qa']) },
  'promote: answer'         : {
    harness.answers << [STAGE: 'prod', COMMENT: '']
    stowagePromote(ok + [interactive: true, stages: ['qa', 'release']])
  },
  'report: number type'     : { stowageReport(ok + [buildNumber: [7]]) },
]
Map messages = [:]
cases.each { String name, Closure body ->
  try {
    body()
    messages[name] = null
  } catch (Exception e) {
    messages[name] = "${e.class.simpleName}: ${e.message}".toString()
  }
}
return messages
