//! Capturing contact corrections: the rules, the group-commit writer, the latest correction.
//!
//! Saves go through one writer task that gathers whatever requests are waiting into a single
//! transaction: under load, many agents share one durable commit (one fsync) instead of
//! queueing behind one each, and nothing is acknowledged before its commit has returned.

use tokio::sync::{mpsc, oneshot};

use super::{
    AppState,
    auth::AuthUser,
    customers,
    db::{
        Db,
        contact_updates::{ContactRow, ContactUpdateRow, PendingSave, SaveOutcome},
    },
    error::internal,
    time,
};
use crate::{
    domain::{contact_update::ContactUpdateInput, phone::PhoneNumber},
    error::AppError,
};

/// The modal's mobile rule on the server: a number that exists and is a mobile.
fn parse_mobile(input: &str) -> Result<String, String> {
    PhoneNumber::parse_mobile(input).map(PhoneNumber::into_e164)
}

/// Requests gathered into one transaction at most.
const MAX_BATCH: usize = 256;

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
                        tracing::error!(size = batch.len(), "saving a batch of contact updates failed");
                        // Opaque, except what the client can act on (a full disk).
                        let error = AppError::from(e);
                        for (_, reply) in batch.drain(..) {
                            let _ = reply.send(Err(error.clone()));
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

/// A client's idempotency key without the ASCII spaces around it; `None` when it is blank (the
/// server then makes one). Only ASCII spaces, so the OpenAPI pattern says exactly the same.
fn given_key(key: Option<&str>) -> Option<&str> {
    key.map(|k| k.trim_matches(|c: char| c.is_ascii_whitespace())).filter(|k| !k.is_empty())
}

const KEY_SHAPE: &str = "An idempotency key has 8 to 100 letters, digits, '-' or '_'.";

/// Checks a client's idempotency key, blank being none.
pub fn check_key(key: Option<&str>) -> Result<(), String> {
    match given_key(key) {
        Some(k) if !valid_key(k) => Err(KEY_SHAPE.to_owned()),
        _ => Ok(()),
    }
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
    let key = match given_key(idempotency_key.as_deref()) {
        Some(k) if valid_key(k) => k.to_owned(),
        Some(_) => return Err(AppError::invalid("idempotency_key", KEY_SHAPE)),
        None => random_key(),
    };
    // A retry of a request that was already stored finds the contact holding its values, so
    // the rules call it "no change": only then is the key looked up, to answer with that update.
    let change = match input.validate(parse_mobile, contact.mobile.as_deref(), contact.email.as_deref()) {
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

/// A customer's current contact details and the correction that set them last, if any.
pub struct Latest {
    pub contact: ContactRow,
    pub update: Option<ContactUpdateRow>,
}

/// The latest contact details of the customer the master system knows as `customer_id`.
pub async fn latest(state: &AppState, customer_id: &str) -> Result<Latest, AppError> {
    let contact = customers::by_customer_id(state, customer_id).await?;
    let update = state.db.latest_update_of(contact.id).await?;
    Ok(Latest { contact, update })
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
