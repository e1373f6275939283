//! Capturing contact corrections: the rules, the group-commit writer, the detail page's data.
//!
//! Saves go through one writer task that gathers whatever requests are waiting into a single
//! transaction: under load, many agents share one durable commit (one fsync) instead of
//! queueing behind one each, and nothing is acknowledged before its commit has returned.

use tokio::sync::{mpsc, oneshot};

use super::{
    AppState,
    auth::AuthUser,
    db::{
        Db,
        contact_updates::{ContactRow, ContactUpdateRow, PendingSave, SaveOutcome},
    },
    error::internal,
    phone, time,
};
use crate::{
    domain::{
        contact_update::ContactUpdateInput,
        customer::{ContactUpdateView, CustomerDetail, PolicyView, UpdateMarker},
        money::Money,
        phone::display as phone_display,
    },
    error::AppError,
};

/// Requests gathered into one transaction at most.
const MAX_BATCH: usize = 256;
/// A marker shows beside a field corrected within this many days.
const MARKER_DAYS: i64 = 30;

type Job = (PendingSave, oneshot::Sender<Result<SaveOutcome, AppError>>);

/// The handle on the writer task; clones share it.
#[derive(Clone, Debug)]
pub struct UpdateWriter {
    jobs: mpsc::Sender<Job>,
}

impl UpdateWriter {
    pub fn spawn(db: Db) -> Self {
        let (jobs, mut rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(async move {
            let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
            while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
                let saves: Vec<PendingSave> = batch.iter().map(|(s, _)| s.clone()).collect();
                match db.save_updates(&saves, time::now_ms()).await {
                    Ok(outcomes) => {
                        for ((_, reply), outcome) in batch.drain(..).zip(outcomes) {
                            let _ = reply.send(Ok(outcome));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, size = batch.len(), "saving contact updates failed");
                        for (_, reply) in batch.drain(..) {
                            let _ = reply.send(Err(AppError::Internal));
                        }
                    }
                }
            }
        });
        Self { jobs }
    }

    async fn save(&self, save: PendingSave) -> Result<SaveOutcome, AppError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send((save, reply)).await.map_err(|e| internal("update writer is gone", e))?;
        answer.await.map_err(|e| internal("update writer dropped a save", e))?
    }
}

/// A stored update and whether it was stored by an earlier, identical request.
pub struct Captured {
    pub update: ContactUpdateRow,
    pub replayed: bool,
}

fn valid_key(key: &str) -> bool {
    (8..=100).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Validates and stores one correction by `agent`. The agent recorded is always the caller.
pub async fn capture(
    state: &AppState,
    agent: &AuthUser,
    contact: &ContactRow,
    policy_number: Option<String>,
    input: &ContactUpdateInput,
    idempotency_key: Option<String>,
) -> Result<Captured, AppError> {
    let key = match idempotency_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()) {
        Some(k) if valid_key(&k) => k,
        Some(_) => {
            return Err(AppError::invalid(
                "idempotency_key",
                "An idempotency key has 8 to 100 letters, digits, '-' or '_'.",
            ));
        }
        None => random_key(),
    };
    // A retry of a request that was already stored finds the contact holding its values, so
    // the rules call it "no change": only then is the key looked up, to answer with that update.
    let change =
        match input.validate(phone::parse_mobile, contact.mobile.as_deref(), contact.email.as_deref()) {
            Ok(change) => change,
            Err(e) => {
                if let Some(update) = state.db.update_by_key(agent.id, &key).await? {
                    return Ok(Captured { update, replayed: true });
                }
                return Err(e);
            }
        };
    let save = PendingSave {
        contact_id: contact.id,
        policy_number: policy_number.map(|p| p.trim().to_uppercase()).filter(|p| !p.is_empty()),
        new_mobile: change.new_mobile,
        new_email: change.new_email.map(|e| e.as_str().to_owned()),
        reason: change.reason.label().to_owned(),
        notes: change.notes,
        agent_id: agent.id,
        agent_name: agent.name.clone(),
        idempotency_key: key,
    };
    match state.updates.save(save).await? {
        SaveOutcome::Saved(update) => {
            tracing::info!(
                update_id = update.id,
                contact_id = contact.id,
                agent = agent.id,
                "contact update captured"
            );
            Ok(Captured { update, replayed: false })
        }
        SaveOutcome::Replayed(update) => Ok(Captured { update, replayed: true }),
        SaveOutcome::ContactNotFound => Err(AppError::NotFound("No such customer.".into())),
        SaveOutcome::PolicyNotOfContact => {
            Err(AppError::invalid("policy_number", "This policy number does not belong to this customer."))
        }
        SaveOutcome::NoChange => Err(AppError::invalid(
            "change",
            "The customer already has these details (another agent may just have saved them).",
        )),
    }
}

impl From<ContactUpdateRow> for ContactUpdateView {
    fn from(u: ContactUpdateRow) -> Self {
        Self {
            id: u.id,
            captured_at: time::display(u.captured_at),
            agent_name: u.agent_name,
            policy_number: u.policy_number.unwrap_or_default(),
            old_mobile: u.old_mobile.as_deref().map(phone_display),
            new_mobile: u.new_mobile.as_deref().map(phone_display),
            old_email: u.old_email,
            new_email: u.new_email,
            reason: u.update_reason,
            notes: u.notes,
            status: u.status,
        }
    }
}

fn marker(update: &ContactUpdateRow, now: i64) -> Option<UpdateMarker> {
    let days = time::local_days_between(update.captured_at, now);
    let text = match days {
        d if d > MARKER_DAYS => return None,
        0 => "Updated today".to_owned(),
        1 => "Updated yesterday".to_owned(),
        d => format!("Updated {d} days ago"),
    };
    Some(UpdateMarker {
        text,
        detail: format!("Updated by {} on {}", update.agent_name, time::display(update.captured_at)),
    })
}

/// Everything the customer detail page shows.
pub async fn detail(state: &AppState, contact: ContactRow) -> Result<CustomerDetail, AppError> {
    let policies = state.db.policies_of(contact.id).await?;
    let history = state.db.updates_of(contact.id).await?;
    let now = time::now_ms();
    let mobile_marker = history.iter().find(|u| u.new_mobile.is_some()).and_then(|u| marker(u, now));
    let email_marker = history.iter().find(|u| u.new_email.is_some()).and_then(|u| marker(u, now));
    let amount_due =
        policies.iter().filter(|p| p.payment_status != "paid").map(|p| p.amount_due_cents).sum::<i64>();
    Ok(CustomerDetail {
        contact_id: contact.id,
        customer_id: contact.customer_id,
        name: contact.name,
        status: contact.status,
        mobile_display: contact.mobile.as_deref().map(phone_display),
        mobile: contact.mobile,
        email: contact.email,
        policies: policies
            .into_iter()
            .map(|p| PolicyView {
                policy_number: p.policy_number,
                amount_due: Money::from_cents(p.amount_due_cents),
                payment_status: p.payment_status,
            })
            .collect(),
        amount_due: Money::from_cents(amount_due),
        mobile_marker,
        email_marker,
        history: history.into_iter().map(ContactUpdateView::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_have_a_safe_shape() {
        assert!(valid_key("0f8c2a6e-1b7d-4c1e-9a55-3d2b8e0c7f11"));
        assert!(!valid_key("short"));
        assert!(!valid_key("has space in it"));
        assert!(valid_key(&random_key()));
    }
}
