/*
 * One agent's share of a build, with the library's own CLI (no `cli:`): set up, upload what
 * this workspace made (kept on the server as a part of the build in progress) when
 * STOWAGE_TEST_UPLOAD names a file, and publish when STOWAGE_TEST_PUBLISH is set.
 * With STOWAGE_TEST_TOOLS, stowageSetup also configures those package managers through `npm`.
 */
Map setup = [url: env.STOWAGE_TEST_URL, credentialsId: 'stowage-token']
if (env.STOWAGE_TEST_TOOLS) setup += [tools: env.STOWAGE_TEST_TOOLS.split(' ') as List, repo: 'npm']
stowageSetup(setup)
if (env.STOWAGE_TEST_UPLOAD) {
  stowageUpload(patterns: [env.STOWAGE_TEST_UPLOAD], target: "generic-staging/assembled/${env.BUILD_NUMBER}/")
}
if (env.STOWAGE_TEST_PUBLISH) stowagePublish(addGit: false)
return [cli: stowageCli(), exportedCli: env.STOWAGE_CLI]
