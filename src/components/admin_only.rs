//! The door of the admin section: every `/admin/*` page renders inside it.
//!
//! The frame knows the signed-in person synchronously (on the server from the request, in the
//! browser from the value serialised into the page), so the check needs no round trip: an agent
//! gets the refusal with status 403 before any admin page component runs, so no admin data is
//! loaded and no admin form is drawn. Anonymous visitors never get here: the auth middleware
//! sends them to sign in first. The server functions behind the pages check again
//! (`require_admin`); this door is for people, that check is for everything else.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::components::Outlet;

use crate::{domain::user::Me, error::AppError};

#[component]
pub fn AdminOnly() -> impl IntoView {
    let admin = use_context::<Me>().is_some_and(|me| me.is_admin());
    if admin {
        Either::Left(view! { <Outlet/> })
    } else {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::FORBIDDEN);
        }
        Either::Right(view! {
            <Title text="No access"/>
            <div class="card narrow" role="alert">
                <h1>"No access"</h1>
                <p>{AppError::Forbidden.to_string()} " This page is for administrators."</p>
                <a class="btn primary" href="/">"Back to the overview"</a>
            </div>
        })
    }
}
