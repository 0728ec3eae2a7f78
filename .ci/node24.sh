# Sourced by .ci/run and by developers: puts Node 24 (the GitHub Actions runtime) first on PATH.
# The machine's node may be older; Node 24 then comes from the npm registry's `node` package.
_stowage_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_major" -lt 24 ]; then
  _dir="$_stowage_root/.ci/node"
  if [ ! -x "$_dir/node_modules/.bin/node" ]; then
    echo "provisioning Node 24 from the npm registry into .ci/node" >&2
    mkdir -p "$_dir"
    (cd "$_dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
    npm install --prefix "$_dir" --no-save --no-audit --no-fund node@24 >&2
  fi
  export PATH="$_dir/node_modules/.bin:$PATH"
fi
unset _major _dir _stowage_root
