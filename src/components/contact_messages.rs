//! The payment messages sent to a contact, on the contact page: when, to which address, which
//! policy and amount, by whom, and how delivery stands. While one is queued the list asks the
//! server again every few seconds, so "sent" (or the server's refusal) appears without a reload.

use leptos::prelude::*;

use crate::{
    api::payment_qr::contact_messages,
    domain::payment_qr::{MessageStatus, OutboxMessage},
};

/// How often a list with a queued message is refreshed.
const POLL_MS: u64 = 3000;

#[component]
pub fn ContactMessages(
    contact_id: i64,
    initial: Vec<OutboxMessage>,
    /// Bumped when a message may have been added (the QR dialog closed).
    #[prop(into)]
    refresh: Signal<u32>,
) -> impl IntoView {
    let messages = RwSignal::new(initial);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = contact_messages(contact_id).await {
                messages.set(fresh);
            }
        });
    };
    // A new message (the dialog closed): read the list again.
    Effect::new(move |previous: Option<u32>| {
        let now = refresh.get();
        if previous.is_some_and(|p| p != now) {
            reload();
        }
        now
    });
    // Queued: look again shortly; each fresh list schedules the next look while one is queued.
    Effect::new(move |_| {
        if messages.with(|m| m.iter().any(|m| m.status == MessageStatus::Queued)) {
            set_timeout(reload, std::time::Duration::from_millis(POLL_MS));
        }
    });
    view! {
        <section class="messages-section" aria-labelledby="messages-title">
            <h2 id="messages-title">"Payment messages"</h2>
            {move || {
                let list = messages.get();
                if list.is_empty() {
                    return view! { <p class="empty">"No payment message sent yet."</p> }.into_any();
                }
                view! {
                    <div class="table-wrap card">
                        <table class="table" data-testid="contact-messages">
                            <caption class="visually-hidden">"Payment messages to this contact, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"To"</th>
                                    <th scope="col">"Policy"</th>
                                    <th scope="col">"Amount"</th>
                                    <th scope="col">"By"</th>
                                    <th scope="col">"Delivery"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|m| view! {
                                    <tr data-message-id=m.id>
                                        <td>{m.created_at.clone()}</td>
                                        <td class="wrap">{m.to.clone()}</td>
                                        <td>{m.policy_number.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td>{m.amount.map(|a| a.to_string()).unwrap_or_else(|| "—".into())}</td>
                                        <td>{m.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td><DeliveryStatus message=m.clone()/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

/// The status pill and what goes with it: when it was sent, or the server's answer.
#[component]
pub fn DeliveryStatus(message: OutboxMessage) -> impl IntoView {
    let detail = match message.status {
        MessageStatus::Sent => message.sent_at.map(|at| format!("on {at}")),
        MessageStatus::Failed | MessageStatus::Queued => message.last_error.clone(),
        MessageStatus::Cancelled => message.cancelled_by.map(|by| format!("by {by}")),
        MessageStatus::Stored => Some("kept in the outbox (no mail server)".into()),
    };
    view! {
        <span class=format!("status status-{}", message.status.as_str()) data-status=message.status.as_str()>
            {message.status.label()}
        </span>
        {detail.map(|d| view! { <span class="status-detail">" " {d}</span> })}
    }
}
