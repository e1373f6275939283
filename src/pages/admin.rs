//! The admin section's pages as lazy routes: built with `cargo leptos build --split`, their code
//! is split out of the main WASM into files the browser fetches only when an admin opens one,
//! so agents no longer download the admin screens with every first load. On the server they
//! render exactly like plain routes.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::{
    admin_activity::AdminActivityPage, admin_contact_updates::AdminContactUpdatesPage,
    admin_import::AdminImportPage, admin_outbox::AdminOutboxPage, admin_tokens::AdminTokensPage,
    admin_users::AdminUsersPage,
};

/// One lazy route per admin page; each page loads its data itself (its resources).
macro_rules! lazy_admin_route {
    ($route:ident, $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_admin_route!(ContactUpdatesRoute, AdminContactUpdatesPage);
lazy_admin_route!(ActivityRoute, AdminActivityPage);
lazy_admin_route!(UsersRoute, AdminUsersPage);
lazy_admin_route!(ImportRoute, AdminImportPage);
lazy_admin_route!(OutboxRoute, AdminOutboxPage);
lazy_admin_route!(TokensRoute, AdminTokensPage);
