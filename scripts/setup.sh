#!/usr/bin/env bash
# Installs what ContactDesk needs to build, run, test and benchmark; skips whatever is present.
# Usage: scripts/setup.sh [build|test|bench]   (each level includes the ones before it)
set -euo pipefail
cd "$(dirname "$0")/.."

level="${1:-build}"
TOOLS="$PWD/.tools"
CARGO_LEPTOS_VERSION="0.3.6"      # newer releases need a newer rustc (see README)
BINARYEN_VERSION="123"             # Debian's binaryen 108 breaks hydration
export PATH="$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The wasm-bindgen CLI must be exactly the version the lock file resolved.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wbv
  wbv="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbv"; then
    say "installing wasm-bindgen-cli $wbv"
    cargo install wasm-bindgen-cli --version "$wbv" --force
  fi
  if ! [ -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (binaryen@$BINARYEN_VERSION from npm)"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || echo '{"private":true}' > "$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

AIOSMTPD_VERSION="1.4.6"
SCHEMATHESIS_VERSION="4.32.5"     # needs Python >= 3.11

# Installs a PyPI package at exactly this version into the tools' venv, unless it is there.
py_tool() {
  local package="$1" version="$2" installed
  [ -x "$TOOLS/py/bin/python" ] || python3 -m venv "$TOOLS/py"
  installed="$("$TOOLS/py/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$package" 2>/dev/null || true)"
  [ "$installed" = "$version" ] && return 0
  say "installing $package $version (PyPI, into $TOOLS/py)"
  "$TOOLS/py/bin/pip" install --quiet --disable-pip-version-check "$package==$version"
}

setup_test() {
  apt_install chromium sqlite3 python3 python3-venv curl
  # A real SMTP server for the email tests (aiosmtpd writes what it receives to a Maildir).
  py_tool aiosmtpd "$AIOSMTPD_VERSION"
  # The API contract (scripts/api-contract.sh): fuzzes /v1 from its OpenAPI document.
  py_tool schemathesis "$SCHEMATHESIS_VERSION"
  if ! [ -d end2end/node_modules/@playwright/test ] || ! [ -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing Playwright and axe-core (npm; the browser is Debian's chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

setup_bench() {
  apt_install wrk brotli curl
  # twiggy shows what fills the WASM (make bench prints the largest crates).
  if ! command -v twiggy >/dev/null 2>&1; then
    say "installing twiggy (crates.io, about 3 minutes, once)"
    cargo install twiggy
  fi
}

setup_build
case "$level" in
  build) ;;
  test) setup_test ;;
  bench) setup_test; setup_bench ;;
  *) echo "unknown level: $level (build|test|bench)" >&2; exit 2 ;;
esac
say "ready ($level)"
