#!/usr/bin/env bash
# The release build (server binary + WASM/JS/CSS under target/site), redoing only what changed:
# `cargo leptos build` alone runs wasm-bindgen and wasm-opt again (over a minute) even when
# nothing changed. Each half keeps a stamp of its last successful build; a half is rebuilt when a
# file it is made from is newer than its stamp (or its output is missing). The browser half never
# compiles src/server/ or src/main.rs (they are `ssr` only), so a server change leaves it alone.
set -euo pipefail
cd "$(dirname "$0")/.."

front_stamp=target/.build-front.stamp
server_stamp=target/.build-server.stamp

# Whether any of the paths has a file newer than the stamp (or the stamp is missing).
changed_since() {
  local stamp="$1"; shift
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$@" -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

common=(Cargo.toml Cargo.lock build.rs Leptos.toml)
front=false server=false
if [ ! -d target/site/pkg ] \
  || changed_since "$front_stamp" "${common[@]}" style public \
  || [ -n "$(find src -newer "$front_stamp" -type f ! -path 'src/server/*' ! -path src/main.rs -print -quit 2>/dev/null)" ]; then
  front=true
fi
if [ ! -x target/release/contactdesk ] || changed_since "$server_stamp" "${common[@]}" src migrations; then
  server=true
fi

started=$(date +%s.%N)
case "$front/$server" in
  false/false) echo "build: up to date (target/release/contactdesk and target/site)"; exit 0 ;;
  true/true) flags=() ;;
  true/false) flags=(--frontend-only) ;;
  false/true) flags=(--server-only) ;;
esac
# Stamped before the build starts: a file edited while it runs is newer, so the next build
# takes it.
touch target/.build-started 2>/dev/null || { mkdir -p target && touch target/.build-started; }
if [ "$front/$server" = false/true ]; then
  # cargo-leptos empties the site folder before a --server-only build and leaves it empty: the
  # browser half is kept aside and put back.
  rm -rf target/.site-kept && cp -a target/site target/.site-kept
  cargo leptos build --release --precompress --split "${flags[@]}"
  rm -rf target/site && mv target/.site-kept target/site
else
  cargo leptos build --release --precompress --split "${flags[@]}"
fi
$front && cp -p target/.build-started "$front_stamp"
$server && cp -p target/.build-started "$server_stamp"
echo "build: $([ "$front/$server" = true/true ] && echo both halves || ($front && echo the browser half || echo the server)) in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }')"
