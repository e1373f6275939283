#!/usr/bin/env bash
# Everything CI checks, in order: format, lints, Rust tests, release build, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "setup"
scripts/setup.sh test

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server)"
cargo clippy --features ssr --all-targets -- -D warnings
step "clippy (browser)"
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "cargo test"
cargo test --features ssr

step "release build"
cargo leptos build --release

step "browser tests (Playwright, Chromium)"
scripts/e2e.sh
