//! `/api/v1/logs`: the System Log, with `since`, `until`, `filter`, `q`, `limit`,
//! `sortOrder` and `after` paging.
//!
//! As Okta documents, a request with `since` and no `until` is a poll: its answer always has
//! a `next` link, even when empty, so a client can follow it for events that arrive later.

use axum::{Router, extract::State, response::Response, routing::get};
use serde_json::Value;

use super::{ApiError, ApiQuery, allow, expressions, page};
use crate::{
    clock::parse_timestamp,
    directory::{LogEvent, Page, system_log},
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/logs", allow(get(logs_list)))
}

/// The LogEvent fields a filter may name (their sub-fields too).
const EVENT_FIELDS: &[&str] = &[
    "uuid",
    "published",
    "eventType",
    "version",
    "severity",
    "legacyEventType",
    "displayMessage",
    "actor",
    "client",
    "outcome",
    "target",
    "transaction",
    "debugContext",
    "authenticationContext",
    "securityContext",
    "request",
];

/// Okta's caps on `q`: at most 10 keywords of at most 40 characters.
const MAX_KEYWORDS: usize = 10;
const MAX_KEYWORD_LEN: usize = 40;

fn known_field(attr: &str) -> bool {
    EVENT_FIELDS.contains(&attr.split('.').next().unwrap_or_default())
}

fn timestamp_param(params: &ApiQuery, key: &str) -> Result<Option<time::OffsetDateTime>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(v) => parse_timestamp(v).map(Some).ok_or_else(|| {
            ApiError::validation(
                key,
                vec![format!("{key}: '{v}' is not a valid ISO 8601 date")],
            )
        }),
    }
}

async fn logs_list(State(state): State<AppState>, params: ApiQuery) -> Result<Response, ApiError> {
    let limit = params.limit(100, 1000)?;
    let since = timestamp_param(&params, "since")?;
    let until = timestamp_param(&params, "until")?;
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err(ApiError::validation(
            "since",
            vec!["since: must be before until".to_owned()],
        ));
    }
    let descending = match params.get("sortOrder") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("ASCENDING") => false,
        Some(v) if v.eq_ignore_ascii_case("DESCENDING") => true,
        Some(v) => {
            return Err(ApiError::validation(
                "sortOrder",
                vec![format!(
                    "sortOrder: '{v}' is not one of ASCENDING, DESCENDING"
                )],
            ));
        }
    };
    let after = match params.get("after") {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            ApiError::validation("after", vec![format!("after: '{v}' is not a valid cursor")])
        })?),
    };
    let keywords: Vec<String> = params
        .get("q")
        .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if keywords.len() > MAX_KEYWORDS || keywords.iter().any(|k| k.chars().count() > MAX_KEYWORD_LEN)
    {
        return Err(ApiError::validation(
            "q",
            vec![format!(
                "q: at most {MAX_KEYWORDS} keywords of at most {MAX_KEYWORD_LEN} characters"
            )],
        ));
    }
    let exprs = expressions(&params, known_field)?;

    let all = state.dir.system_log().events();
    let newest_seq = all.last().map_or(0, |e| e.seq);
    let wanted = |e: &LogEvent| {
        let in_window = since.is_none_or(|s| e.published >= s)
            && until.is_none_or(|u| e.published < u)
            && after.is_none_or(|a| if descending { e.seq < a } else { e.seq > a });
        if !in_window {
            return None;
        }
        let body = e.body();
        (exprs
            .iter()
            .all(|x| x.matches(&|attr| system_log::values(&body, attr)))
            && system_log::has_keywords(&body, &keywords))
        .then_some((e.seq, body))
    };
    let mut matching: Vec<(u64, Value)> = all.iter().filter_map(wanted).collect();
    if descending {
        matching.reverse();
    }
    let more = matching.len() > limit;
    matching.truncate(limit);
    let polling = since.is_some() && until.is_none() && !descending;
    let next = if more {
        matching.last().map(|(seq, _)| seq.to_string())
    } else if polling {
        // A poll continues after the last event seen (or everything up to now).
        Some(
            matching
                .last()
                .map_or(after.unwrap_or(newest_seq), |(seq, _)| *seq)
                .to_string(),
        )
    } else {
        None
    };
    let listed = Page {
        items: matching.into_iter().map(|(_, body)| body).collect(),
        next,
    };
    Ok(page(&state, "/api/v1/logs", &params, limit, listed))
}
