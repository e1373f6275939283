use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    api::payment_qr::list_outbox,
    components::{
        error_view::errors_fallback,
        pager::{Pager, use_page},
    },
    domain::payment_qr::OutboxPage,
};

/// Admin → Email outbox: every message the application composed, newest first, with its
/// delivery state. Without a mail server configured this is where messages stay.
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let outbox = Resource::new(use_page(), list_outbox);
    view! {
        <Title text="Email outbox"/>
        <h1>"Email outbox"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading messages…"</p> }>
            <ErrorBoundary fallback=errors_fallback>
                {move || Suspend::new(async move { outbox.await.map(|page| view! { <OutboxTable page/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn OutboxTable(page: OutboxPage) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |to: i64| navigate(&format!("/admin/outbox?page={to}"), Default::default());
    let (pages, current) = (page.pages(), page.page);
    view! {
        <p class="muted">
            {if page.smtp {
                "Messages are delivered by the configured mail server; failed attempts are retried."
            } else {
                "No mail server is configured (mail.transport = \"outbox\"): messages are kept here and not sent."
            }}
        </p>
        {if page.messages.is_empty() {
            view! { <p class="muted" role="status">"No messages yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap card">
                    <table class="table" data-testid="outbox">
                        <thead>
                            <tr>
                                <th scope="col">"Created"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"Subject"</th>
                                <th scope="col">"By"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Attempts"</th>
                                <th scope="col">"Sent / last error"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.messages.into_iter().map(|m| view! {
                                <tr>
                                    <td>{m.created_at}</td>
                                    <td class="wrap">{m.to}</td>
                                    <td>{m.subject}</td>
                                    <td>{m.created_by.unwrap_or_else(|| "—".into())}</td>
                                    <td><span class=format!("status status-{}", m.status)>{m.status.clone()}</span></td>
                                    <td>{m.attempts}</td>
                                    <td class="wrap">{m.sent_at.or(m.last_error).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager label="Outbox pages" current pages go/>
            }.into_any()
        }}
    }
}
