# ContactDesk. `make run` to try it, `make test` to check everything. See README.md.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run build test bench check fmt clean

## Set up what is missing, build the release app, seed demo data, serve on :3000.
run: build
	CONTACTDESK_DEMO=1 ./target/release/contactdesk serve

## The release build only (server binary + WASM/JS/CSS under target/site).
build:
	scripts/setup.sh build
	scripts/build.sh

## Format, lint, unit + HTTP tests, release build, browser tests.
test:
	scripts/test.sh

## Load and size figures, printed as one table.
bench:
	scripts/bench.sh

## Quick compile check of both halves (no build artefacts).
check:
	cargo check --features ssr
	cargo check --lib --no-default-features --features hydrate --target wasm32-unknown-unknown

fmt:
	cargo fmt

clean:
	cargo clean
