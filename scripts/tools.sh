#!/usr/bin/env bash
# Installs the pinned build and test toolchain, skipping whatever is already
# present at the right version. Only registries are used: Debian, crates.io, npm.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
# Splits the viewer's wasm into lazily loaded chunks (scripts/build-viewer.sh).
WASM_SPLIT_VERSION=0.2.4
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

log() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
# The end-to-end tests read the server's database with the sqlite3 shell.
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
# The media engine: the server runs it to package live HLS, and the demo and the
# tests publish with it as a host's encoder would.
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
# The server's second storage back end: its tests run on a throwaway cluster
# (scripts/postgres.sh), and pg_dump reads one back.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)
command -v pg_dump >/dev/null || need_apt+=(postgresql-client)
# Servers sharing shows pass their events through NATS JetStream (scripts/nats.sh).
command -v nats-server >/dev/null || need_apt+=(nats-server)
# The native-HLS test runs WebKitGTK's MiniBrowser under Xvfb, driven by
# WebKitWebDriver; it plays HLS with GStreamer's hlsdemux2 and decoders.
command -v WebKitWebDriver >/dev/null || need_apt+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || need_apt+=(xvfb)
# Stripe's fake, localstripe (PyPI), runs in a virtual environment of its own.
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
for pkg in gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# npm packages (binaryen's wasm-opt 132, playwright-core for end-to-end tests) from package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

has_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q "$2"; }

has_version wasm-bindgen "$WASM_BINDGEN_VERSION" || {
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (~5 min)"
  # Not --locked: its lock file pins a webpki-roots release the registry lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
}
has_version wasm-pack "$WASM_PACK_VERSION" || {
  log "cargo install wasm-pack $WASM_PACK_VERSION (~4 min)"
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked --force
}
has_version trunk "$TRUNK_VERSION" || {
  log "cargo install trunk $TRUNK_VERSION (~8 min)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "=$TRUNK_VERSION" --locked --force
}
# Its binary, wasm-split-cli, has no --version: ask cargo what it installed.
cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:" || {
  log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (~2 min)"
  cargo install wasm_split_cli_support --version "=$WASM_SPLIT_VERSION" --features build-binary --locked --force
}
# localstripe into target/localstripe-venv (PyPI), once; the Stripe tests start it.
scripts/localstripe.sh install
log "toolchain ready"
