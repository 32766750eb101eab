//! `GET /__mock/openapi.json`: the OpenAPI 3 document of the control routes: server-kit's
//! shared operations in Okta's words, and key rotation (an integration test calls every
//! operation it lists).

use serde_json::{Map, Value, json};
use server_kit::control::{
    EndpointName as _,
    openapi::{self, Surface, ok, schema},
};

use super::{endpoint::Endpoint, paths};

/// The document; `server` is `{org}/__mock`.
pub fn document(server: &str) -> Value {
    let names = Endpoint::names();
    let surface = Surface {
        title: "mock-okta test control",
        description: "Make the org fail on purpose, move its time, rotate its keys, read the requests it saw, and go back to the seed. Errors use Okta's API error body.",
        server_url: server,
        fault_endpoints: names.clone(),
        journal_endpoints: names,
        fault_server: Some("Only this authorization server: `org` or `default` (OIDC endpoints)"),
        security: (
            "SSWS",
            json!({"type": "apiKey", "in": "header", "name": "Authorization",
                   "description": "`SSWS <api token>`, as for the Management API"}),
        ),
        error_schema: json!({"type": "object", "required": ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"],
            "properties": {"errorCode": {"type": "string"}, "errorSummary": {"type": "string"},
                           "errorLink": {"type": "string"}, "errorId": {"type": "string"},
                           "errorCauses": {"type": "array", "items": {"type": "object",
                              "properties": {"errorSummary": {"type": "string"}}}}}}),
        error_media_type: "application/json",
        unauthenticated: &[
            ("401", "A wrong token (E0000011)"),
            ("403", "No `Authorization` header (E0000005)"),
        ],
        invalid_fault: "E0000001 naming the fields that are wrong, or E0000003 for a body that is not JSON",
        invalid_body: "E0000003: not the expected body",
        no_such_fault: "E0000007: no fault with that id",
        invalid_filter: "E0000001: an unknown endpoint or an unreadable time",
        reset: "Back to the seed: directory, sessions, codes and tokens, faults, clock, signing key, journal",
        default_body: "A string is sent as is, anything else as JSON; without it the endpoint's own error body (429: E0000047 with X-Rate-Limit-*; 500: E0000009 or server_error; pages: an HTML page)",
    };
    let mut extra_paths = Map::new();
    extra_paths.insert(
        paths::KEYS_ROTATE.into(),
        json!({
            "post": {"operationId": "rotateKeys",
                     "summary": "A new key signs from now on; the previous one stays in JWKS or is dropped",
                     "requestBody": {"required": false, "content": {"application/json": {
                        "schema": schema("KeysRotate"), "example": {"keep_previous": true}}}},
                     "responses": surface.with_auth(json!({"200": ok("The published keys", schema("Keys")),
                                   "400": surface.error("E0000003: not the expected body")}))}
        }),
    );
    let mut extra_schemas = Map::new();
    extra_schemas.insert(
        "KeysRotate".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"keep_previous": {"type": "boolean", "default": true}}}),
    );
    extra_schemas.insert(
        "Keys".into(),
        json!({"type": "object", "required": ["active", "keys"],
               "properties": {"active": {"type": "string"}, "keys": {"type": "array", "items": {"type": "string"}}}}),
    );
    openapi::document(&surface, extra_paths, extra_schemas)
}
