//! `/api/v1/meta/types/user/{typeId}`: the org's one user type, which every user's
//! `type.id` and `_links.type` name.

use axum::{Router, extract::State, response::Response, routing::get};
use serde_json::json;

use super::{ApiError, ApiPath as Path, allow, ok, views};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/meta/types/user/{type_id}",
        allow(get(user_types_get)),
    )
}

async fn user_types_get(
    State(state): State<AppState>,
    Path(type_id): Path<String>,
) -> Result<Response, ApiError> {
    let id = views::user_type_id(state.dir.org_id());
    if type_id != id && type_id != "default" {
        return Err(ApiError::not_found(&type_id, "UserType"));
    }
    // The org's creation time: the built-in group is made with the org.
    let created = crate::clock::okta_timestamp(state.dir.everyone().created);
    Ok(ok(json!({
        "id": id,
        "displayName": "User",
        "name": "user",
        "description": "Okta user profile template with default permission settings",
        "createdBy": null,
        "lastUpdatedBy": null,
        "default": true,
        "created": created,
        "lastUpdated": created,
        "_links": {
            "self": {"href": state.org.url(&format!("/api/v1/meta/types/user/{id}")), "method": "GET"}
        }
    })))
}
