//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::{
    components::{admin_only::AdminOnly, layout::AppLayout, wasm_ready},
    pages::{
        admin::{ActivityRoute, ContactUpdatesRoute, ImportRoute, OutboxRoute, TokensRoute, UsersRoute},
        call_logs::CallLogsPage,
        customer_detail::CustomerDetailPage,
        customers::ContactsPage,
        home::HomePage,
        login::LoginPage,
        not_found::NotFound,
    },
};

/// The document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions, css_href: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=css_href/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Before the body: a press on a control that is not ready yet is held, not lost.
                <script nonce=leptos::nonce::use_nonce() inner_html=wasm_ready::EARLY_PRESS_SCRIPT></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A CSP that admits only our own files and the inline hydration script carrying this
/// response's nonce (generated per request by leptos_axum).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{HeaderValue, header};

    let nonce = leptos::nonce::use_nonce().map(|n| n.as_inner().to_string()).unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&csp))
    {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tells browser tests (and people reading the DOM) that the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| format!("{page} · ContactDesk")/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=AppLayout>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/contacts") view=ContactsPage/>
                    <Route path=path!("/contacts/:id") view=CustomerDetailPage/>
                    // The addresses of the Customers pages before contacts and customers became one.
                    <Route path=path!("/customers") view=ContactsPage/>
                    <Route path=path!("/customers/:id") view=CustomerDetailPage/>
                    <Route path=path!("/calls") view=CallLogsPage/>
                    <ParentRoute path=path!("/admin") view=AdminOnly>
                        <Route path=path!("/contact-updates") view={Lazy::<ContactUpdatesRoute>::new()}/>
                        <Route path=path!("/activity") view={Lazy::<ActivityRoute>::new()}/>
                        <Route path=path!("/users") view={Lazy::<UsersRoute>::new()}/>
                        <Route path=path!("/import") view={Lazy::<ImportRoute>::new()}/>
                        <Route path=path!("/outbox") view={Lazy::<OutboxRoute>::new()}/>
                        <Route path=path!("/tokens") view={Lazy::<TokensRoute>::new()}/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
