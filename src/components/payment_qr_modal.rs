//! Generate QR: the payment QR code of one policy, and emailing it to the customer.
//!
//! The code is drawn on the server (the QR encoder stays out of the WASM bundle) and the email
//! goes to the address the server holds now, so a correction saved a moment ago is used.

use leptos::prelude::*;

use super::{
    dialog::modal_keydown,
    icon::{Icon, IconKind},
};
use crate::{
    api::payment_qr::{email_payment_qr, get_payment_qr},
    domain::{
        customer::CustomerDetail,
        payment_qr::{MessageStatus, OutboxMessage},
    },
    error::AppError,
};

#[component]
pub fn PaymentQrModal(detail: CustomerDetail, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    dialog_ref.on_load(move |dialog| {
        let _ = dialog.show_modal();
        if let Some(button) = close_ref.get_untracked() {
            let _ = button.focus();
        }
    });
    let close = move || {
        if let Some(dialog) = dialog_ref.get_untracked() {
            dialog.close();
        }
        on_close.run(());
    };
    let on_keydown = modal_keydown(dialog_ref, close);

    let contact_id = detail.contact_id;
    // The first policy with something to pay, else the first.
    let first = detail
        .policies
        .iter()
        .find(|p| p.is_payable())
        .or(detail.policies.first())
        .map(|p| p.policy_number.clone())
        .unwrap_or_default();
    let policy = RwSignal::new(first);
    let numbers: Vec<String> = detail.policies.iter().map(|p| p.policy_number.clone()).collect();
    let several = numbers.len() > 1;
    let code = Resource::new(move || policy.get(), move |p| get_payment_qr(contact_id, p));

    let sending = RwSignal::new(false);
    let sent = RwSignal::new(None::<Result<OutboxMessage, AppError>>);
    let send = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        let p = policy.get_untracked();
        leptos::task::spawn_local(async move {
            sent.set(Some(email_payment_qr(contact_id, p).await));
            sending.set(false);
        });
    };

    view! {
        <dialog node_ref=dialog_ref class="modal" aria-labelledby="payment-qr-title" aria-modal="true"
            on:keydown=on_keydown>
            <div class="modal-body">
                <header class="modal-header">
                    <h2 id="payment-qr-title">"Payment QR Code"</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| close()>"✕"</button>
                </header>
                <dl class="modal-customer">
                    <dt>"Customer:"</dt><dd>{detail.name.clone()}</dd>
                    <dt>"Policy:"</dt>
                    <dd>
                        {if several {
                            view! {
                                <label for="qr-policy" class="visually-hidden">"Policy"</label>
                                <select id="qr-policy" prop:value=move || policy.get()
                                    on:change=move |ev| { sent.set(None); policy.set(event_target_value(&ev)); }>
                                    {numbers.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                                </select>
                            }.into_any()
                        } else {
                            view! { <span>{move || policy.get()}</span> }.into_any()
                        }}
                    </dd>
                </dl>
                <hr/>
                <Transition fallback=|| view! { <p class="loading">"Drawing the code…"</p> }>
                    {move || Suspend::new(async move {
                        match code.await {
                            Ok(qr) => {
                                let label = format!("Payment QR code for policy {}", qr.policy_number);
                                let email = qr.email.clone();
                                let download = view! {
                                    <a class="btn" href=qr.png_url.clone() download=qr.png_file_name.clone()>
                                        <Icon kind=IconKind::Download/>" Download PNG"
                                    </a>
                                };
                                view! {
                                    <div class="qr-code" role="img" aria-label=label inner_html=qr.svg.clone()></div>
                                    <p class="qr-amount">"Amount due: " <strong data-testid="qr-amount">{qr.amount.to_string()}</strong></p>
                                    <details class="qr-payload">
                                        <summary>"Code content"</summary>
                                        <code data-testid="qr-payload">{qr.payload.clone()}</code>
                                    </details>
                                    <hr/>
                                    {match email {
                                        Some(to) => view! {
                                            <p class="qr-send-to">"Email to: " <strong data-testid="qr-email">{to}</strong></p>
                                            <div class="card-actions">
                                                <button type="button" class="btn primary" disabled=move || sending.get() on:click=send>
                                                    <Icon kind=IconKind::Mail/>
                                                    {move || if sending.get() { " Sending…" } else { " Send by email" }}
                                                </button>
                                                {download}
                                            </div>
                                        }.into_any(),
                                        None => view! {
                                            <p class="alert info" role="status">
                                                "This customer has no email address yet: add one with Update Contact."
                                            </p>
                                            <div class="card-actions">{download}</div>
                                        }.into_any(),
                                    }}
                                }.into_any()
                            }
                            Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
                {move || sent.get().map(|outcome| match outcome {
                    Ok(m) if m.status == MessageStatus::Stored => view! {
                        <p class="alert success" role="status">
                            {format!("QR code email for {} saved to the outbox (no mail server is configured).", m.to)}
                        </p>
                    }.into_any(),
                    Ok(m) => view! {
                        <p class="alert success" role="status">{format!("QR code email queued for {}.", m.to)}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
                <footer class="modal-footer">
                    <button type="button" class="btn" node_ref=close_ref on:click=move |_| close()>"Close"</button>
                </footer>
            </div>
        </dialog>
    }
}
