/*
 * The happy path of a nightly job, as examples/jenkins/Jenkinsfile runs it: set up, upload the
 * generated files, publish the build-info, promote to qa, let a person pick release, report.
 * STOWAGE_TEST_URL and STOWAGE_TEST_CLI come from jenkins.test.ts; the token only as the
 * 'stowage-token' credential.
 */
stowageSetup(url: env.STOWAGE_TEST_URL, credentialsId: 'stowage-token', cli: env.STOWAGE_TEST_CLI)
Map exported = env.findAll { k, v -> k.startsWith('STOWAGE_') && !k.startsWith('STOWAGE_TEST_') }

stowageUpload(patterns: ['out/*.csv', 'out/*.json'], target: "generic-staging/nightly-report/${env.BUILD_NUMBER}/",
              props: [team: 'data', tier: ['gold', 'silver'], 'note': "it's; odd, isn't it"])
stowagePublish()
stowagePromote(to: 'qa', comment: 'row counts checked')

harness.answers << [STAGE: 'release', COMMENT: "approved by ops; \$HOME isn't expanded"]
stowagePromote(interactive: true, stages: ['qa', 'release'], submitter: 'ops')

String report = stowageReport()
return [exported: exported, report: report]
