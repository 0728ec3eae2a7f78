/**
 * The package types the server knows, in a module that imports nothing: the config validates
 * repositories against it without loading the formats (whose routes import the services,
 * which import the config).
 */

/** Every `packageType` the server knows; formats/index.ts holds one plugin for each. */
export const PACKAGE_TYPES = [
  'generic',
  'go',
  'maven',
  'npm',
  'docker',
  'pypi',
  'cran',
  'conda',
  'helm',
  'nuget',
] as const;

export type PackageType = (typeof PACKAGE_TYPES)[number];
