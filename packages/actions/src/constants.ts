/** Input, output, state and environment names of every action, in one place. */

export const SetupInput = {
  url: 'url',
  token: 'token',
  oidcProvider: 'oidc-provider',
  oidcAudience: 'oidc-audience',
  server: 'server',
  serverConfig: 'server-config',
  cache: 'cache',
  tools: 'tools',
  repo: 'repo',
  deployRepo: 'deploy-repo',
  overwrite: 'overwrite',
  workingDirectory: 'working-directory',
  buildName: 'build-name',
  buildNumber: 'build-number',
  collectEnv: 'collect-env',
  collectGit: 'collect-git',
  autoPublish: 'auto-publish',
  jobStatus: 'job-status',
} as const;

export const SetupOutput = {
  url: 'url',
  buildName: 'build-name',
  buildNumber: 'build-number',
  buildUrl: 'build-url',
} as const;

export const PublishInput = {
  url: 'url',
  token: 'token',
  buildName: 'build-name',
  buildNumber: 'build-number',
  files: 'files',
  target: 'target',
  props: 'props',
  flat: 'flat',
  module: 'module',
  deps: 'deps',
  workingDirectory: 'working-directory',
  env: 'env',
  envExclude: 'env-exclude',
  git: 'git',
  dockerImages: 'docker-images',
  helmCharts: 'helm-charts',
  goModules: 'go-modules',
  dryRun: 'dry-run',
} as const;

export const PublishOutput = {
  buildUrl: 'build-url',
  artifacts: 'artifacts',
  buildInfo: 'build-info',
} as const;

export const PromoteInput = {
  url: 'url',
  token: 'token',
  buildName: 'build-name',
  buildNumber: 'build-number',
  stage: 'stage',
  status: 'status',
  comment: 'comment',
  props: 'props',
  copy: 'copy',
  dryRun: 'dry-run',
  sourceRepo: 'source-repo',
  includeDependencies: 'include-dependencies',
  failFast: 'fail-fast',
  deployment: 'deployment',
  ref: 'ref',
  allowEmpty: 'allow-empty',
  approver: 'approver',
  githubToken: 'github-token',
} as const;

export const PromoteOutput = {
  targetRepo: 'target-repo',
  status: 'status',
  deploymentId: 'deployment-id',
  approver: 'approver',
  messages: 'messages',
} as const;

export const ReportInput = {
  url: 'url',
  token: 'token',
  buildName: 'build-name',
  buildNumber: 'build-number',
  compareTo: 'compare-to',
  summary: 'summary',
  prComment: 'pr-comment',
  chart: 'chart',
  history: 'history',
  githubToken: 'github-token',
} as const;

/** Defaults of the report action (action.yml says the same). */
export const ReportDefaults = {
  /** Builds in the size, dependency-variation and image histories. */
  history: 10,
  /** Rows shown before a table goes into a collapsed `<details>`. */
  tableRows: 10,
  /** Most-changed dependencies listed in the variation table. */
  variationLimit: 10,
} as const;

export const ReportOutput = {
  diff: 'diff',
  analytics: 'analytics',
  commentId: 'comment-id',
  commentUrl: 'comment-url',
} as const;

/** Saved by setup's main step for its post step (never a token). */
export const SetupState = {
  isPost: 'isPost',
  buildName: 'build-name',
  buildNumber: 'build-number',
  storeDir: 'store-dir',
  autoPublish: 'auto-publish',
  embedded: 'embedded',
  published: 'published',
} as const;

/** Environment the actions export for later steps (and for the CLI, which reads the same). */
export const Env = {
  url: 'STOWAGE_URL',
  token: 'STOWAGE_TOKEN',
  buildName: 'STOWAGE_BUILD_NAME',
  buildNumber: 'STOWAGE_BUILD_NUMBER',
  buildUrl: 'STOWAGE_BUILD_URL',
  store: 'STOWAGE_BUILD_STORE',
  /** `name#number` of each build the publish action published in this job, one per line. */
  published: 'STOWAGE_PUBLISHED',
} as const;

/** Hidden marker that lets the report action find and update its own PR comment. */
export const reportMarker = (buildName: string): string =>
  `<!-- stowage-report:${encodeURIComponent(buildName)} -->`;

export const USER_AGENT = 'stowage-actions/0.1.0';
