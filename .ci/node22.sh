# Sourced by .ci/run: provides Node 22 (the older maintained LTS line, which the CLI's client
# commands support) for packages/cli/test/package.test.ts, as $STOWAGE_NODE22. It comes from the
# npm registry's `node` package into .ci/node22; Node 24 stays first on PATH.
_stowage_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_dir="$_stowage_root/.ci/node22"
if [ ! -x "$_dir/node_modules/node/bin/node" ]; then
  echo "provisioning Node 22 from the npm registry into .ci/node22" >&2
  mkdir -p "$_dir"
  (cd "$_dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$_dir" --no-save --no-audit --no-fund node@22 >&2
fi
export STOWAGE_NODE22="$_dir/node_modules/node/bin/node"
unset _dir _stowage_root
# Node 20 (end of life): only to check the one-line "needs Node 22" message, as $STOWAGE_NODE20.
_stowage_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_dir="$_stowage_root/.ci/node20"
if [ ! -x "$_dir/node_modules/node/bin/node" ]; then
  echo "provisioning Node 20 from the npm registry into .ci/node20" >&2
  mkdir -p "$_dir"
  (cd "$_dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$_dir" --no-save --no-audit --no-fund node@20 >&2
fi
export STOWAGE_NODE20="$_dir/node_modules/node/bin/node"
unset _dir _stowage_root
