//! `GET /__mock/openapi.json`: the OpenAPI 3 document of the control routes, built from the
//! same path constants as the router (an integration test calls every operation it lists).

use serde_json::{Value, json};

use super::{endpoint::Endpoint, faults::MAX_DELAY_MS, journal::CAPACITY, paths};

fn error(description: &str) -> Value {
    json!({"description": description,
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn body(schema: &str, example: Value) -> Value {
    json!({"required": true, "content": {"application/json": {
        "schema": {"$ref": format!("#/components/schemas/{schema}")}, "example": example}}})
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The document; `server` is `{org}/__mock`.
pub fn document(server: &str) -> Value {
    let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.as_str()).collect();
    let unauthenticated =
        error("No `Authorization` header (403 E0000005) or a wrong token (401 E0000011)");
    let mut paths = serde_json::Map::new();
    paths.insert(
        paths::FAULTS.into(),
        json!({
            "get": {"operationId": "listFaults", "summary": "The faults in place, first added first matched",
                    "responses": {"200": ok("Faults", json!({"type": "array", "items": schema("Fault")})),
                                  "401": unauthenticated, "403": unauthenticated}},
            "post": {"operationId": "addFault",
                     "summary": "Make a named endpoint answer a status, wait, or close the connection",
                     "requestBody": body("FaultSpec", json!({"endpoint": "token", "status": 503, "delay_ms": 0, "times": 1})),
                     "responses": {"201": ok("The fault in place", schema("Fault")),
                                   "400": error("E0000001 naming the fields that are wrong, or E0000003 for a body that is not JSON"),
                                   "401": unauthenticated, "403": unauthenticated}},
            "delete": {"operationId": "clearFaults", "summary": "Remove every fault",
                       "responses": {"204": {"description": "Cleared"}, "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    paths.insert(
        paths::FAULT.into(),
        json!({
            "delete": {"operationId": "removeFault", "summary": "Remove one fault",
                       "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "fltNoSuchFault00000"}],
                       "responses": {"204": {"description": "Removed"}, "404": error("E0000007: no fault with that id"),
                                     "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    paths.insert(
        paths::CLOCK.into(),
        json!({
            "get": {"operationId": "getClock", "summary": "The server's now",
                    "responses": {"200": ok("Now", schema("Clock")), "401": unauthenticated, "403": unauthenticated}},
            "post": {"operationId": "advanceClock",
                     "summary": "Move the server's clock; codes, tokens, sessions and caches follow it",
                     "requestBody": body("ClockAdvance", json!({"advance_seconds": 3600})),
                     "responses": {"200": ok("Now, after the move", schema("Clock")),
                                   "400": error("E0000003: not the expected body"),
                                   "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    paths.insert(
        paths::KEYS_ROTATE.into(),
        json!({
            "post": {"operationId": "rotateKeys",
                     "summary": "A new key signs from now on; the previous one stays in JWKS or is dropped",
                     "requestBody": {"required": false, "content": {"application/json": {
                        "schema": schema("KeysRotate"), "example": {"keep_previous": true}}}},
                     "responses": {"200": ok("The published keys", schema("Keys")),
                                   "400": error("E0000003: not the expected body"),
                                   "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    let filter = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}});
    paths.insert(
        paths::JOURNAL.into(),
        json!({
            "get": {"operationId": "listJournal",
                    "summary": format!("Every request the server saw, oldest first (the last {CAPACITY}), secrets masked"),
                    "parameters": [filter("endpoint", &format!("One of {}", names.join(", "))),
                                   filter("path", "The exact path, without the query"),
                                   filter("method", "GET, POST, … (any case)"),
                                   filter("since", "RFC 3339 time; entries at or after it")],
                    "responses": {"200": ok("Entries", json!({"type": "array", "items": schema("JournalEntry")})),
                                  "400": error("E0000001: an unknown endpoint or an unreadable time"),
                                  "401": unauthenticated, "403": unauthenticated}},
            "delete": {"operationId": "clearJournal", "summary": "Empty the journal",
                       "responses": {"204": {"description": "Emptied"}, "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    paths.insert(
        paths::RESET.into(),
        json!({
            "post": {"operationId": "reset",
                     "summary": "Back to the seed: directory, sessions, codes and tokens, faults, clock, signing key, journal",
                     "responses": {"204": {"description": "Reset"}, "401": unauthenticated, "403": unauthenticated}}
        }),
    );
    paths.insert(
        paths::OPENAPI.into(),
        json!({
            "get": {"operationId": "getOpenApi", "summary": "This document", "security": [],
                    "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}}
        }),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "mock-okta test control", "version": "1",
                 "description": "Make the org fail on purpose, move its time, rotate its keys, read the requests it saw, and go back to the seed. Errors use Okta's API error body."},
        "servers": [{"url": server}],
        "security": [{"SSWS": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"SSWS": {"type": "apiKey", "in": "header", "name": "Authorization",
                                         "description": "`SSWS <api token>`, as for the Management API"}},
            "schemas": {
                "Error": {"type": "object", "required": ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"],
                          "properties": {"errorCode": {"type": "string"}, "errorSummary": {"type": "string"},
                                         "errorLink": {"type": "string"}, "errorId": {"type": "string"},
                                         "errorCauses": {"type": "array", "items": {"type": "object",
                                            "properties": {"errorSummary": {"type": "string"}}}}}},
                "FaultSpec": {"type": "object", "required": ["endpoint"], "additionalProperties": false,
                    "description": "Give a status (with an optional body), a delay, or close; a delay combines with either.",
                    "properties": {
                        "endpoint": {"type": "string", "enum": names},
                        "server": {"type": "string", "description": "Only this authorization server: `org` or `default` (OIDC endpoints)"},
                        "client_id": {"type": "string", "description": "Only requests naming this client id (query, form, Basic user or client assertion)"},
                        "status": {"type": "integer", "minimum": 200, "maximum": 599},
                        "body": {"description": "A string is sent as is, anything else as JSON; without it the endpoint's own error body (429: E0000047 with X-Rate-Limit-*; 500: E0000009 or server_error; pages: an HTML page)"},
                        "delay_ms": {"type": "integer", "minimum": 0, "maximum": MAX_DELAY_MS, "default": 0},
                        "close": {"type": "boolean", "default": false, "description": "Close the connection without an answer"},
                        "times": {"type": "integer", "minimum": 1, "nullable": true, "description": "The next N matching requests; absent: until cleared"}}},
                "Fault": {"type": "object",
                    "required": ["id", "endpoint", "server", "client_id", "status", "body", "delay_ms", "close", "times", "hits"],
                    "properties": {
                        "id": {"type": "string"}, "endpoint": {"type": "string", "enum": names},
                        "server": {"type": "string", "nullable": true}, "client_id": {"type": "string", "nullable": true},
                        "status": {"type": "integer", "nullable": true}, "body": {"nullable": true},
                        "delay_ms": {"type": "integer"}, "close": {"type": "boolean"},
                        "times": {"type": "integer", "nullable": true, "description": "Requests left; null: until cleared"},
                        "hits": {"type": "integer", "description": "Requests it applied to"}}},
                "Clock": {"type": "object", "required": ["now", "epoch_seconds", "offset_seconds"],
                    "properties": {"now": {"type": "string", "format": "date-time"},
                                   "epoch_seconds": {"type": "integer"}, "offset_seconds": {"type": "integer"}}},
                "ClockAdvance": {"type": "object", "required": ["advance_seconds"], "additionalProperties": false,
                    "properties": {"advance_seconds": {"type": "integer", "description": "Negative moves back"}}},
                "KeysRotate": {"type": "object", "additionalProperties": false,
                    "properties": {"keep_previous": {"type": "boolean", "default": true}}},
                "Keys": {"type": "object", "required": ["active", "keys"],
                    "properties": {"active": {"type": "string"}, "keys": {"type": "array", "items": {"type": "string"}}}},
                "JournalEntry": {"type": "object",
                    "required": ["seq", "time", "method", "path", "endpoint", "server", "client_id", "query", "form",
                                 "cookies", "credentials", "status", "fault", "duration_ms"],
                    "properties": {
                        "seq": {"type": "integer"}, "time": {"type": "string", "format": "date-time"},
                        "method": {"type": "string"}, "path": {"type": "string"},
                        "endpoint": {"type": "string", "enum": names, "nullable": true},
                        "server": {"type": "string", "nullable": true}, "client_id": {"type": "string", "nullable": true},
                        "query": {"type": "object", "additionalProperties": {"type": "string"}},
                        "form": {"type": "object", "additionalProperties": {"type": "string"}},
                        "cookies": {"type": "object", "additionalProperties": {"type": "string"}},
                        "credentials": {"type": "string", "enum": ["basic", "post", "client_secret_jwt", "private_key_jwt", "none", "SSWS", "Bearer"]},
                        "status": {"type": "integer", "nullable": true, "description": "null: the connection was closed"},
                        "fault": {"type": "string", "nullable": true},
                        "duration_ms": {"type": "integer"}}}
            }
        }
    })
}
