//! Recorded calls: storing what a phone uploads, once, on the right contact.

use std::collections::HashMap;

use super::{
    AppState,
    auth::AuthUser,
    db::{
        Db,
        calls::{CallQuery, CallRow, NewCallRow, Recorded},
    },
    error::internal,
    storage::{AudioStorage, Staged},
    time::{self, now_ms},
};
use crate::{
    domain::{
        call::{
            CALLS_PAGE_SIZE, CallFilter, CallId, CallLog, CallPage, Direction, parse_duration, parse_sha256,
        },
        phone::{LineKind, PhoneNumber, is_withheld},
    },
    error::{AppError, FieldError},
};

/// The text fields of an upload, in the contract's names.
pub const UPLOAD_FIELDS: [&str; 6] =
    ["call_id", "phone", "direction", "started_at", "duration_seconds", "sha256"];

/// An upload's fields, each checked; every problem is reported at once, naming its field.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub call_id: CallId,
    /// `None` for a withheld number.
    pub phone: Option<PhoneNumber>,
    pub phone_raw: String,
    pub direction: Direction,
    pub started_at: i64,
    pub duration_seconds: i64,
    pub sha256: Option<String>,
}

impl NewCall {
    pub fn parse(fields: &HashMap<String, String>) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let required = |name: &str| -> Result<&str, AppError> {
            fields
                .get(name)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| AppError::invalid(name, format!("{name} is required.")))
        };
        let mut keep = |e: AppError| match e {
            AppError::Invalid(v) => errors.extend(v),
            _ => errors.push(FieldError::new("body", e.to_string())),
        };
        let call_id = required("call_id").and_then(CallId::parse).map_err(&mut keep).ok();
        let phone_raw = fields.get("phone").cloned();
        let phone = match phone_raw.as_deref() {
            None => {
                keep(AppError::invalid(
                    "phone",
                    "phone is required (empty or \"private\" for a withheld number).",
                ));
                None
            }
            Some(raw) if is_withheld(raw) => Some(None),
            Some(raw) => {
                PhoneNumber::parse(raw).map(Some).map_err(|m| keep(AppError::invalid("phone", m))).ok()
            }
        };
        let direction = required("direction").and_then(Direction::parse).map_err(&mut keep).ok();
        let started_at = required("started_at")
            .and_then(|s| {
                parse_started_at(s)
                    .filter(|ms| (946_684_800_000..now_ms() + 86_400_000).contains(ms))
                    .ok_or_else(|| {
                        AppError::invalid(
                            "started_at",
                            "started_at must be an RFC 3339 time with its offset (2026-11-25T10:30:00+04:00) \
                             or milliseconds since 1970 (1764052200000, as Android's call log gives it), \
                             from the year 2000 and not more than a day ahead of the server's clock.",
                        )
                    })
            })
            .map_err(&mut keep)
            .ok();
        let duration = required("duration_seconds").and_then(parse_duration).map_err(&mut keep).ok();
        let sha256 = parse_sha256(fields.get("sha256").map_or("", String::as_str)).map_err(&mut keep).ok();
        match (call_id, phone, direction, started_at, duration, sha256) {
            (
                Some(call_id),
                Some(phone),
                Some(direction),
                Some(started_at),
                Some(duration_seconds),
                Some(sha256),
            ) if errors.is_empty() => Ok(Self {
                call_id,
                phone,
                phone_raw: phone_raw.unwrap_or_default().trim().to_owned(),
                direction,
                started_at,
                duration_seconds,
                sha256,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// The recognised type of an upload's audio: (content type, file extension).
pub type AudioType = (&'static str, &'static str);

/// Stores an uploaded call: checks the checksum, answers a retry with the first record, moves
/// the audio into place durably, then links the call to its contact (creating a lead for a new
/// number) in one transaction. `true` when the call is new (201), `false` for a retry (200).
/// Whatever fails, no file is left without its row.
pub async fn record(
    state: &AppState,
    agent: &AuthUser,
    token_id: Option<i64>,
    call: NewCall,
    staged: Staged,
    audio_type: AudioType,
) -> Result<(CallLog, bool), AppError> {
    let size = staged.size;
    let recorded = store(&state.db, &state.recordings, agent.id, token_id, call, staged, audio_type).await?;
    if recorded.1 {
        state.metrics.upload_bytes.inc_by(size);
    }
    Ok(recorded)
}

/// [`record`] on a database and a store: what an upload and the demo's calls share.
pub async fn store(
    db: &Db,
    recordings: &AudioStorage,
    agent_id: i64,
    token_id: Option<i64>,
    call: NewCall,
    staged: Staged,
    (audio_type, ext): AudioType,
) -> Result<(CallLog, bool), AppError> {
    if let Some(expected) = &call.sha256
        && *expected != staged.sha256
    {
        return Err(AppError::invalid(
            "sha256",
            format!(
                "sha256 does not match the audio received (its SHA-256 is {}); nothing was stored.",
                staged.sha256
            ),
        ));
    }
    if let Some((row, matches)) = db.call_by_call_id(call.call_id.as_str()).await? {
        return same_call(row, matches, &staged.sha256).map(|log| (log, false));
    }
    let sha = staged.sha256.clone();
    let size = staged.size as i64;
    // Each attempt stores under a key of its own: two identical uploads racing with one call id
    // never share a file, so whichever loses removes only its own copy, never the one the
    // acknowledged call points to.
    let attempt = uuid::Uuid::new_v4().simple().to_string();
    let key = format!(
        "calls/{}/{}-{}-{}.{ext}",
        time::year_month_path(call.started_at),
        call.call_id.as_str(),
        &sha[..16],
        &attempt[..8]
    );
    let lead_name = match &call.phone {
        Some(p) => format!("New lead {}", p.display()),
        None => String::new(),
    };
    let row = NewCallRow {
        call_id: call.call_id.as_str(),
        phone: call.phone.as_ref().map(PhoneNumber::e164),
        phone_is_mobile: call.phone.as_ref().is_some_and(|p| p.kind() != LineKind::FixedLine),
        lead_name: &lead_name,
        phone_raw: &call.phone_raw,
        direction: call.direction.as_str(),
        started_at: call.started_at,
        duration_seconds: call.duration_seconds,
        agent_id,
        token_id,
        audio_key: &key,
        audio_size: size,
        audio_sha256: &sha,
        audio_type,
        now: now_ms(),
    };
    // Noted first: should the process die between the move and the row, the server finds the
    // file by this note and clears it (see `housekeeping`).
    db.add_recording_intent(&key, now_ms()).await?;
    staged.commit(recordings, &key).await.map_err(|e| internal("storing a recording failed", e))?;
    link(db, recordings, &row).await
}

/// Links a stored recording to its contact in one transaction, which also forgets the
/// recording's note; otherwise its file goes, then its note.
async fn link(db: &Db, recordings: &AudioStorage, row: &NewCallRow<'_>) -> Result<(CallLog, bool), AppError> {
    let (key, size) = (row.audio_key, row.audio_size);
    match db.record_call(row).await {
        Ok(Recorded::Created(row, matches)) => {
            tracing::info!(call_log = row.id, contact = ?row.contact_id, size, "call recorded");
            Ok((call_log(row, matches), true))
        }
        Ok(Recorded::Existing(stored, matches)) => {
            // A concurrent twin won: our own copy goes.
            remove_quietly(db, recordings, key).await;
            same_call(stored, matches, row.audio_sha256).map(|log| (log, false))
        }
        Err(e) => {
            remove_quietly(db, recordings, key).await;
            Err(e.into())
        }
    }
}

/// A retry is answered with the first record; the same call id with other audio is a conflict.
fn same_call(row: CallRow, matches: Vec<i64>, sha256: &str) -> Result<CallLog, AppError> {
    if row.audio_sha256 != sha256 {
        return Err(AppError::Conflict(format!(
            "A call with call_id {} was already uploaded with different audio; nothing was stored.",
            row.call_id
        )));
    }
    Ok(call_log(row, matches))
}

/// Removes a recording that has no call log, then its note; a file that cannot be removed
/// keeps its note, so the housekeeper tries again.
async fn remove_quietly(db: &Db, recordings: &AudioStorage, key: &str) {
    if let Err(e) = recordings.delete(key).await {
        tracing::error!(error = %e, key, "could not remove a recording that has no call log");
    } else if let Err(e) = db.remove_recording_intent(key).await {
        tracing::warn!(error = %e, key, "could not remove a recording's note");
    }
}

/// One call, for any signed-in user or API token.
pub async fn get(state: &AppState, id: i64) -> Result<(CallLog, String), AppError> {
    let (row, matches) =
        state.db.call_by_id(id).await?.ok_or_else(|| AppError::NotFound("No such call.".into()))?;
    let key = row.audio_key.clone();
    Ok((call_log(row, matches), key))
}

/// A page of calls matching `filter`, newest first, with the total; callers have checked who
/// asks (any signed-in user may read calls). The phone filter takes a number in any form.
pub async fn list(
    state: &AppState,
    filter: &CallFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<CallLog>), AppError> {
    let phone = match filter.phone.as_str() {
        "" => None,
        raw => {
            crate::domain::phone::dialled(raw)
                .map_err(|m| AppError::invalid("phone", format!("'{raw}': {m}")))?;
            match PhoneNumber::search_key(raw).or_else(|| PhoneNumber::parse(raw).ok()) {
                Some(number) => Some(number.into_e164()),
                // Written like a number, but one no call can have (`+000`): nothing matches.
                None => return Ok((0, Vec::new())),
            }
        }
    };
    let query = CallQuery {
        contact_id: filter.contact_id,
        agent_id: filter.agent_id,
        phone,
        direction: filter.direction.map(Direction::as_str),
        from_ms: filter.from_date.map(time::day_start_ms),
        to_ms: filter.to_date.map(time::day_end_ms),
    };
    let (total, rows) = state.db.list_calls(&query, limit, offset).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut matches: HashMap<i64, Vec<i64>> = HashMap::new();
    for (call, contact) in state.db.matches_of(&ids).await? {
        matches.entry(call).or_default().push(contact);
    }
    let calls = rows
        .into_iter()
        .map(|r| {
            let m = matches.remove(&r.id).unwrap_or_default();
            call_log(r, m)
        })
        .collect();
    Ok((total, calls))
}

/// One page of the Call Logs screen.
pub async fn page(state: &AppState, filter: &CallFilter, page: i64) -> Result<CallPage, AppError> {
    let page = page.clamp(1, 100_000);
    let (total, calls) = list(state, filter, CALLS_PAGE_SIZE, (page - 1) * CALLS_PAGE_SIZE).await?;
    Ok(CallPage { total, page, calls, agents: state.db.call_agents().await? })
}

fn call_log(row: CallRow, possible_matches: Vec<i64>) -> CallLog {
    CallLog {
        id: row.id,
        call_id: row.call_id,
        contact_id: row.contact_id,
        contact_status: row.contact_status,
        contact_name: row.contact_name,
        phone: row.phone,
        phone_raw: row.phone_raw,
        direction: Direction::parse(&row.direction).unwrap_or(Direction::Inbound),
        started_at: time::rfc3339(row.started_at),
        started_at_local: time::display(row.started_at),
        duration_seconds: row.duration_seconds,
        agent_id: row.agent_id,
        agent_name: row.agent_name,
        audio_type: row.audio_type,
        audio_size: row.audio_size,
        audio_sha256: row.audio_sha256,
        possible_matches,
        created_at: time::rfc3339(row.created_at),
    }
}

/// A call's start as phones send it: RFC 3339 with its offset, or Unix epoch milliseconds
/// (Android's `CallLog.Calls.DATE`, 12 or 13 digits); the range the upload accepts (from 2000,
/// at most a day ahead) is checked after.
fn parse_started_at(s: &str) -> Option<i64> {
    let t = s.trim();
    if (12..=13).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    time::parse_rfc3339(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_bad_field_is_named() {
        let err =
            NewCall::parse(&fields(&[("phone", "not a number"), ("direction", "up"), ("sha256", "xyz")]))
                .unwrap_err();
        for f in ["call_id", "phone", "direction", "started_at", "duration_seconds", "sha256"] {
            assert!(err.field_message(f).is_some(), "{f}: {err:?}");
        }
    }

    #[test]
    fn a_withheld_number_has_no_phone() {
        let call = NewCall::parse(&fields(&[
            ("call_id", "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c"),
            ("phone", "Private"),
            ("direction", "inbound"),
            ("started_at", "2026-11-20T10:00:00+04:00"),
            ("duration_seconds", "42"),
        ]))
        .unwrap();
        assert_eq!((call.phone, call.phone_raw.as_str(), call.sha256), (None, "Private", None));
    }

    #[test]
    fn androids_call_log_values_are_taken_as_they_come() {
        let android = |phone: &str, started_at: &str| {
            NewCall::parse(&fields(&[
                ("call_id", "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c"),
                ("phone", phone),
                ("direction", "inbound"),
                ("started_at", started_at),
                ("duration_seconds", "42"),
            ]))
        };
        // -1 unknown, -2 private, -3 payphone: calls without a number, the raw value kept.
        for raw in ["-1", "-2", "-3"] {
            let call = android(raw, "1764052200000").unwrap();
            assert_eq!((call.phone, call.phone_raw.as_str()), (None, raw));
            // CallLog.Calls.DATE: milliseconds since 1970 (2025-11-25T06:30:00Z).
            assert_eq!(call.started_at, 1_764_052_200_000);
        }
        assert!(android("-4", "1764052200000").is_err());
        // Seconds, or a time before 2000, are not a call's start.
        for bad in ["1764052200", "946684799999", "99999999999999"] {
            let err = android("-1", bad).unwrap_err();
            assert!(err.field_message("started_at").is_some_and(|m| m.contains("milliseconds")), "{bad}");
        }
    }
}
