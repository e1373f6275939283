#!/usr/bin/env bash
# Everything CI checks, in order: format, lints, Rust tests, release build, API contract, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { current="$*"; printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# When a step fails, say where and how much disk and memory were left: a full disk makes the
# linker or cargo-leptos fail with messages that do not say so.
current=""
trap 'status=$?; if [ "$status" -ne 0 ]; then printf "\n[test] failed in step: %s (exit %s)\n" "$current" "$status" >&2; df -h . >&2; free -m >&2 || true; fi' EXIT

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
# Without the error's own backtrace, the reason stays in the last lines of the log.
RUST_LIB_BACKTRACE=0 scripts/build.sh

step "API contract (schemathesis)"
# The /v1 API fuzzed from its own OpenAPI document with every check and a fixed seed: the same
# requests every time (make bench runs a longer one with a random seed).
scripts/api-contract.sh --seed 42 --examples 20

step "browser tests (Playwright, Chromium)"
scripts/e2e.sh
