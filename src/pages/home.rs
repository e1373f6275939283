use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::overview::get_home,
    components::{page_data::page_data, updates_chart::UpdatesChart},
    domain::{
        dashboard::Dashboard,
        overview::{Home, Overview},
        url::customer_url,
    },
};

/// The landing page after sign-in: the size of the book of business at a glance, and for
/// admins where the master-system sync stands.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        {page_data("Loading figures…", || (), |()| get_home(), |Home { overview, dashboard }| view! {
            <Figures o=overview/>
            {dashboard.map(|d| view! { <AdminDashboard d/> })}
        })}
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

#[component]
fn AdminDashboard(d: Dashboard) -> impl IntoView {
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title">"Contact updates"</h2>
            <div class="stat-grid">
                <section class="stat card" aria-label="Pending sync">
                    <p class="stat-label">"Pending sync"</p>
                    <p class="stat-value" data-testid="pending-count">
                        <A href="/admin/contact-updates?status=pending&leads=include">{d.pending.to_string()}</A>
                    </p>
                </section>
                <Stat label="Synced this week" value=d.synced_this_week.to_string()/>
                <section class="stat card" aria-label="Oldest pending">
                    <p class="stat-label">"Oldest pending"</p>
                    {match d.oldest_pending {
                        Some(o) => view! {
                            <p class="stat-value small" data-testid="oldest-pending">
                                <A href=customer_url(o.contact_id)>{o.customer_name}</A>
                            </p>
                            <p class="muted">{format!("{} ({} day{} ago)", o.captured_at, o.days, if o.days == 1 { "" } else { "s" })}</p>
                        }.into_any(),
                        None => view! { <p class="stat-value small">"None"</p> }.into_any(),
                    }}
                </section>
            </div>
            <UpdatesChart days=d.days/>
            <div class="table-wrap card">
                <table class="table">
                    <caption>"Updates per agent, last 30 days"</caption>
                    <thead>
                        <tr><th scope="col">"Agent"</th><th scope="col">"Updates"</th><th scope="col">"Pending"</th></tr>
                    </thead>
                    <tbody>
                        {d.agents.into_iter().map(|a| view! {
                            <tr>
                                <td><A href=format!("/admin/contact-updates?agent_id={}&leads=include", a.agent_id)>{a.name}</A></td>
                                <td>{a.updates.to_string()}</td>
                                <td>{a.pending.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
