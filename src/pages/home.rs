use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::overview::get_overview, components::error_view::errors_fallback, domain::overview::Overview,
};

/// The landing page after sign-in: the size of the book of business at a glance.
#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading figures…"</p> }>
            <ErrorBoundary fallback=errors_fallback>
                {move || Suspend::new(async move { overview.await.map(|o| view! { <Figures o/> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Figures(o: Overview) -> impl IntoView {
    view! {
        <div class="stat-grid">
            <Stat label="Customers" value=o.customers.to_string()/>
            <Stat label="Policies" value=o.policies.to_string()/>
            <Stat label="Policies awaiting payment" value=o.policies_pending.to_string()/>
            <Stat label="Amount due" value=o.amount_due.to_string()/>
            {o.active_users.map(|n| view! { <Stat label="Active users" value=n.to_string()/> })}
        </div>
    }
}

#[component]
fn Stat(label: &'static str, value: String) -> impl IntoView {
    view! {
        <section class="stat card" aria-label=label>
            <p class="stat-label">{label}</p>
            <p class="stat-value">{value}</p>
        </section>
    }
}
