/**
 * The errors of the storage backends that are loaded only when configured (PostgreSQL, the
 * migration to it), in a module of their own: the server's entry and the CLI name them without
 * loading `pg` or the AWS SDK.
 */

/** Thrown when the database cannot be used as it is; the message says what to do. */
export class MetaStoreError extends Error {
  override name = 'MetaStoreError';
  readonly code = 'ERR_METADATA_STORE';
}

/** Thrown when `stowage migrate` cannot copy or verify something; the message says what. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly code = 'ERR_MIGRATION';
}
