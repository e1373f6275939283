//! The frame of every signed-in page: header with the customer search, the user and sign-out,
//! sidebar navigation (admin section for admins only), and the page itself.
//!
//! The frame never waits. On the server the auth middleware has already resolved the user, so
//! the frame renders from it synchronously and the value travels in the page (`SharedValue`) for
//! hydration: the HTML of every signed-in page carries the frame, not a "Loading…" in its place.
//! Only a frame mounted by client-side navigation (right after signing in) asks the server who
//! is signed in.

use leptos::{either::Either, prelude::*};
use leptos_router::components::{A, Outlet, Redirect};

use super::customer_search::CustomerSearch;
use crate::{
    api::auth::{Logout, current_user},
    domain::user::Me,
};

#[component]
pub fn AppLayout() -> impl IntoView {
    match SharedValue::new(signed_in_on_server).into_inner() {
        Some(me) => Either::Left(view! { <Frame me/> }),
        None => Either::Right(view! { <FetchedFrame/> }),
    }
}

/// The user the server already knows for the page it renders; `None` in the browser.
fn signed_in_on_server() -> Option<Me> {
    #[cfg(feature = "ssr")]
    {
        crate::server::auth::me_of_rendered_request()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The frame mounted in the browser without a server pass (after sign-in), or on the server for
/// a request without a user (the middleware redirects those before rendering).
///
/// The user is held in a signal, not read under a `Suspense`: the pages in the frame's outlet
/// were under that suspense too, and the navigation an agent's first search key starts (Overview
/// to Contacts) put the whole frame back to its fallback and mounted it again, dropping focus
/// and every key typed after the first.
#[component]
fn FetchedFrame() -> impl IntoView {
    let me = RwSignal::new(None);
    // Effects run in the browser only: the server never renders this frame for a user.
    Effect::new(move |_| {
        leptos::task::spawn_local(async move { me.set(Some(current_user().await)) });
    });
    move || match me.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Ok(Some(me))) => view! { <Frame me/> }.into_any(),
        Some(Ok(None)) => view! { <Redirect path="/login"/> }.into_any(),
        Some(Err(e)) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = me.is_admin();
    // The pages below read who is signed in from here (the admin door among them).
    provide_context(me.clone());
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <a class="brand" href="/">"ContactDesk"</a>
                {me.demo_data.then(|| view! {
                    <span class="demo-badge" title="Generated customers and accounts for trying the product">
                        "Demo data"
                    </span>
                })}
                <CustomerSearch/>
                <div class="topbar-user">
                    <span class="user-name" data-testid="user-name">{me.name.clone()}</span>
                    <span class="role-badge">{me.role.label()}</span>
                    <ActionForm action=logout>
                        <button type="submit" class="btn ghost">"Sign out"</button>
                    </ActionForm>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main">
                <ul>
                    <li><A href="/" exact=true>"Overview"</A></li>
                    <li><A href="/contacts">"Contacts"</A></li>
                    <li><A href="/calls">"Call Logs"</A></li>
                </ul>
                {is_admin.then(|| view! {
                    <p class="nav-section" id="nav-admin">"Admin"</p>
                    <ul aria-labelledby="nav-admin">
                        <li><A href="/admin/contact-updates">"Contact Updates"</A></li>
                        <li><A href="/admin/users">"Users"</A></li>
                        <li><A href="/admin/tokens">"Tokens"</A></li>
                        <li><A href="/admin/import">"Import"</A></li>
                        <li><A href="/admin/outbox">"Email outbox"</A></li>
                        <li><A href="/admin/activity">"Activity"</A></li>
                    </ul>
                })}
            </nav>
            <main class="content" id="main" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
}
