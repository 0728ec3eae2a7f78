// Placeholder entry for the top-level action.yml until the GitHub Actions land.
// It fails on purpose with a clear message: a step that silently "succeeds" would be worse.
process.stdout.write(
  '::error title=Stowage action not yet available::The Stowage GitHub Actions (setup, publish, promote, report) ' +
    'are not released yet. Use the stowage CLI in a run step for now: npx @stowage/cli --help\n',
);
process.exitCode = 1;
