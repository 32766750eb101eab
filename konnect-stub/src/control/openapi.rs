//! `GET /__mock/openapi.json`: server-kit's shared control operations in Konnect's words
//! (problem+json errors, the admin's PAT).

use serde_json::{Map, Value, json};
use server_kit::control::{
    EndpointName as _,
    openapi::{self, Surface},
};

use super::endpoint::Endpoint;

/// The document; `server` is `{konnect}/__mock`.
pub fn document(server: &str) -> Value {
    let fault_endpoints = Endpoint::ALL
        .iter()
        .filter(|e| !e.is_outgoing())
        .map(|e| e.as_str())
        .collect();
    let surface = Surface {
        title: "konnect-stub test control",
        description: "Make Konnect's pages and API fail on purpose, move its time (sessions and sign-ins expire by it), read the requests it saw and the calls it made to the identity provider, and go back to the seed. Errors are problem+json, as Konnect's API answers.",
        server_url: server,
        fault_endpoints,
        journal_endpoints: Endpoint::names(),
        fault_server: None,
        security: (
            "PersonalAccessToken",
            json!({"type": "http", "scheme": "bearer",
                   "description": "`Authorization: Bearer kpat_…`, an Organization Admin's personal access token, as for the v2 API"}),
        ),
        error_schema: json!({"type": "object", "required": ["status", "title", "instance", "detail"],
            "properties": {"status": {"type": "integer"}, "title": {"type": "string"},
                           "instance": {"type": "string"}, "detail": {"type": "string"},
                           "invalid_parameters": {"type": "array", "items": {"type": "object",
                              "properties": {"field": {"type": "string"}, "reason": {"type": "string"}}}}}}),
        error_media_type: "application/problem+json",
        unauthenticated: &[
            (
                "401",
                "No token, or one Konnect does not know (Unauthenticated)",
            ),
            ("403", "Not an Organization Admin (Invalid Permissions)"),
        ],
        invalid_fault: "Bad Request naming each field that is wrong in invalid_parameters, or a body that is not JSON",
        invalid_body: "Bad Request: request format is invalid",
        no_such_fault: "Not Found: no fault with that id",
        invalid_filter: "Bad Request: an unknown endpoint or an unreadable time",
        reset: "Back to the seed: organizations, users, identity settings, sessions and sign-ins in flight, provider caches, faults, clock, journal",
        default_body: "A string is sent as is, anything else as JSON; without it the endpoint's own error (problem+json on authenticate and api, an error page elsewhere)",
    };
    openapi::document(&surface, Map::new(), Map::new())
}
