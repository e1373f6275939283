//! The frame of every signed-in page: header with the user and sign-out, sidebar navigation
//! (admin section for admins only), and the page itself.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use crate::{
    api::auth::{Logout, current_user},
    domain::user::Me,
};

#[component]
pub fn AppLayout() -> impl IntoView {
    // Blocking: the server answers with the whole frame, never a flash of "signed out".
    let me = Resource::new_blocking(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Frame me/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = me.is_admin();
    view! {
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/">"ContactDesk"</a>
                {me.demo_data.then(|| view! {
                    <span class="demo-badge" title="Generated customers and accounts for trying the product">
                        "Demo data"
                    </span>
                })}
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
                    <li><A href="/customers">"Customers"</A></li>
                </ul>
                {is_admin.then(|| view! {
                    <p class="nav-section" id="nav-admin">"Admin"</p>
                    <ul aria-labelledby="nav-admin">
                        <li><A href="/admin/users">"Users"</A></li>
                        <li><A href="/admin/import">"Import"</A></li>
                        <li><A href="/admin/outbox">"Email outbox"</A></li>
                    </ul>
                })}
            </nav>
            <main class="content" id="main">
                <Outlet/>
            </main>
        </div>
    }
}
