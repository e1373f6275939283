//! ContactDesk: the call-center application of a life-insurance company.
//!
//! The crate compiles twice: with `ssr` for the server binary (pages rendered on the server,
//! database, sessions) and with `hydrate` for the browser (WASM that makes those pages live).
//! `domain`, `api`, `pages` and `components` compile for both; `server` only for the first.

// A page's view type nests deep enough (router, frame, page data, the page) that the release
// WASM build's async hydration of an erased view exceeds rustc's default query depth of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build: attaches the client to the server-rendered HTML. The lazy
/// variant waits for a lazy route's code (the admin pages, split off by `--split`) before
/// hydrating it; `hydrate_body` panics on a lazy route.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
