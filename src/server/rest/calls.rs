//! `POST /v1/calls/upload` (the phones' recordings), `GET /v1/calls/{id}` and its audio.

use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{Multipart, Path, State, multipart::MultipartError},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use tokio::time::timeout;

use super::{ApiUser, Uploader};
use crate::{
    domain::call::CallLog,
    error::AppError,
    server::{
        AppState, audio,
        calls::{self, NewCall, UPLOAD_FIELDS},
        error::internal,
        storage::{HEAD_BYTES, Staged},
        time,
    },
};

/// Room for the multipart framing and the text fields around the audio.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// The longest text field accepted (a phone number, a UUID, a time…).
const MAX_TEXT_FIELD: usize = 1024;

/// Receives one recorded call (see the README's upload contract): the audio is streamed to a
/// temporary file while it is hashed, so memory stays flat whatever its size; nothing is stored
/// unless every check passes.
pub async fn upload(
    State(state): State<AppState>,
    Uploader { user, token_id }: Uploader,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<CallLog>), AppError> {
    let limits = &state.config.uploads;
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_bytes + FORM_OVERHEAD) {
        return Err(too_large(limits.max_bytes));
    }
    let mut multipart = multipart.map_err(|_| {
        AppError::invalid(
            "body",
            "The body must be multipart/form-data with the fields call_id, phone, direction, started_at, \
             duration_seconds, optional sha256, and the file part audio.",
        )
    })?;
    let idle = limits.idle_timeout();
    let stalled = || {
        AppError::Timeout(format!("No data arrived for {} seconds; the upload was dropped.", idle.as_secs()))
    };
    let mut fields = HashMap::new();
    let mut audio: Option<(Staged, calls::AudioType)> = None;
    while let Some(mut field) =
        timeout(idle, multipart.next_field()).await.map_err(|_| stalled())?.map_err(body_error)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "audio" {
            if audio.is_some() {
                return Err(AppError::invalid("audio", "Send one audio file per call."));
            }
            let mut staging =
                state.recordings.stage().await.map_err(|e| internal("cannot start storing an upload", e))?;
            let mut recognised = None;
            while let Some(chunk) =
                timeout(idle, field.chunk()).await.map_err(|_| stalled())?.map_err(body_error)?
            {
                staging.write(&chunk).await.map_err(|e| internal("cannot write an upload", e))?;
                if staging.size() > limits.max_bytes {
                    return Err(too_large(limits.max_bytes));
                }
                // Refuse a file that is not audio as soon as its first bytes say so.
                if recognised.is_none() && staging.head().len() >= HEAD_BYTES {
                    recognised = Some(audio::recognise(staging.head()).ok_or_else(not_audio)?);
                }
            }
            if staging.size() == 0 {
                return Err(AppError::invalid("audio", "The audio file is empty."));
            }
            let kind = match recognised {
                Some(kind) => kind,
                None => audio::recognise(staging.head()).ok_or_else(not_audio)?,
            };
            let staged = staging.finish().await.map_err(|e| internal("cannot flush an upload", e))?;
            audio = Some((staged, kind));
        } else if UPLOAD_FIELDS.contains(&name.as_str()) {
            let mut text = Vec::new();
            while let Some(chunk) =
                timeout(idle, field.chunk()).await.map_err(|_| stalled())?.map_err(body_error)?
            {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_TEXT_FIELD {
                    return Err(AppError::invalid(
                        &name,
                        format!("{name} is longer than {MAX_TEXT_FIELD} bytes."),
                    ));
                }
            }
            let text = String::from_utf8(text)
                .map_err(|_| AppError::invalid(&name, format!("{name} is not valid UTF-8 text.")))?;
            fields.insert(name, text);
        }
        // Other parts are skipped: a newer app may send more than this server knows.
    }
    let call = NewCall::parse(&fields);
    let Some((staged, kind)) = audio else {
        let mut errors = match call {
            Err(AppError::Invalid(v)) => v,
            _ => Vec::new(),
        };
        errors.push(crate::error::FieldError::new("audio", "audio (the recording file) is required."));
        return Err(AppError::Invalid(errors));
    };
    let (log, created) = calls::record(&state, &user, token_id, call?, staged, kind).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(log)))
}

fn too_large(max: u64) -> AppError {
    AppError::TooLarge(format!(
        "The recording is larger than the limit of {} MB; nothing was stored.",
        max / (1024 * 1024)
    ))
}

fn not_audio() -> AppError {
    AppError::UnsupportedType(
        "The file is not audio: send mp3, m4a/aac, amr, 3gp, ogg/opus, wav or webm. Nothing was stored."
            .into(),
    )
}

/// A broken multipart body: over the body limit (413), or cut off / malformed.
fn body_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge("The upload is larger than the limit; nothing was stored.".into());
    }
    AppError::invalid(
        "body",
        format!("The multipart body could not be read ({}); nothing was stored.", e.body_text()),
    )
}

/// `GET /v1/calls/{id}`.
pub async fn get(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CallLog>, AppError> {
    Ok(Json(calls::get(&state, id).await?.0))
}

/// `GET /v1/calls/{id}/audio`: the recording with HTTP Range (so a player can seek) and
/// conditional requests (`If-None-Match` on its checksum, `If-Modified-Since`).
pub async fn audio_file(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (log, key) = calls::get(&state, id).await?;
    let etag = format!("\"{}\"", log.audio_sha256);
    let modified = time::parse_rfc3339(&log.created_at).unwrap_or_default();
    let header_str = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let not_modified = match header_str(header::IF_NONE_MATCH) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => header_str(header::IF_MODIFIED_SINCE)
            .and_then(time::parse_http_date)
            .is_some_and(|since| modified / 1000 <= since / 1000),
    };
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, time::http_date(modified))
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, max-age=3600");
    if not_modified {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(|e| internal("response", e));
    }
    let size = log.audio_size as u64;
    // A Range is honoured only for this very file (If-Range), and only a single range: for
    // several, the whole file is the simpler correct answer.
    let range_applies = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let range = match header_str(header::RANGE).filter(|_| range_applies) {
        None => None,
        Some(value) => match http_range_header::parse_range_header(value) {
            Err(_) => None,
            Ok(parsed) => match parsed.validate(size) {
                Ok(ranges) if ranges.len() == 1 => Some(ranges[0].clone()),
                Ok(_) => None,
                Err(_) => {
                    return response
                        .status(StatusCode::RANGE_NOT_SATISFIABLE)
                        .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                        .body(Body::empty())
                        .map_err(|e| internal("response", e));
                }
            },
        },
    };
    let (start, len) = match &range {
        Some(r) => (*r.start(), r.end() - r.start() + 1),
        None => (0, size),
    };
    let (reader, stored_size) = state
        .recordings
        .open_range(&key, start, Some(len))
        .await
        .map_err(|e| internal("a call's recording cannot be opened", format!("call {id}, {key}: {e}")))?;
    if stored_size != size {
        tracing::error!(
            call = id,
            key,
            stored_size,
            size,
            "a recording's size differs from its call log (run fsck)"
        );
    }
    response = response.header(header::CONTENT_TYPE, &log.audio_type).header(header::CONTENT_LENGTH, len);
    if let Some(r) = &range {
        response = response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {}-{}/{size}", r.start(), r.end()));
    }
    response
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(reader)))
        .map_err(|e| internal("response", e))
}
