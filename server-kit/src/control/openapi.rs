//! The OpenAPI 3 document of `/__mock`: the operations both servers serve alike
//! ([`document`]), with the server's own words for its errors, its authentication and any
//! operation only it has. Built from the same path constants as the routers (each server's
//! integration test calls every operation it lists).

use serde_json::{Map, Value, json};

use super::{faults::MAX_DELAY_MS, journal::CAPACITY, paths};

/// What differs between the servers' documents.
pub struct Surface<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// `{server}/__mock`.
    pub server_url: &'a str,
    /// The endpoints faults may be set on.
    pub fault_endpoints: Vec<&'static str>,
    /// The endpoints the journal names.
    pub journal_endpoints: Vec<&'static str>,
    /// Whether faults narrow to an authorization server, and how that is described.
    pub fault_server: Option<&'a str>,
    /// The security scheme's name and definition.
    pub security: (&'a str, Value),
    /// The schema of the server's error body, and its media type.
    pub error_schema: Value,
    pub error_media_type: &'a str,
    /// The statuses and words of the refusals.
    pub unauthenticated: &'a [(&'a str, &'a str)],
    pub invalid_fault: &'a str,
    pub invalid_body: &'a str,
    pub no_such_fault: &'a str,
    pub invalid_filter: &'a str,
    /// What a reset goes back to.
    pub reset: &'a str,
    /// What a fault's default body is.
    pub default_body: &'a str,
}

impl Surface<'_> {
    /// An error response with `description`.
    pub fn error(&self, description: &str) -> Value {
        json!({"description": description,
               "content": {self.error_media_type: {"schema": {"$ref": "#/components/schemas/Error"}}}})
    }

    /// The refusals of an authenticated operation, added to `responses`.
    pub fn with_auth(&self, mut responses: Value) -> Value {
        if let Some(map) = responses.as_object_mut() {
            for (status, words) in self.unauthenticated {
                map.insert((*status).to_owned(), self.error(words));
            }
        }
        responses
    }
}

/// A 200 answer with a JSON schema.
pub fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// A required JSON body of the named schema, with its example.
pub fn body(schema_name: &str, example: Value) -> Value {
    json!({"required": true, "content": {"application/json": {
        "schema": schema(schema_name), "example": example}}})
}

/// A reference to a schema of the document.
pub fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The document: the shared operations, then `extra_paths` and `extra_schemas`.
pub fn document(
    s: &Surface,
    extra_paths: Map<String, Value>,
    extra_schemas: Map<String, Value>,
) -> Value {
    let mut paths = Map::new();
    paths.insert(
        paths::FAULTS.into(),
        json!({
            "get": {"operationId": "listFaults", "summary": "The faults in place, first added first matched",
                    "responses": s.with_auth(json!({"200": ok("Faults", json!({"type": "array", "items": schema("Fault")}))}))},
            "post": {"operationId": "addFault",
                     "summary": "Make a named endpoint answer a status, wait, or close the connection",
                     "requestBody": body("FaultSpec", json!({"endpoint": s.fault_endpoints.first().copied().unwrap_or_default(), "status": 503, "delay_ms": 0, "times": 1})),
                     "responses": s.with_auth(json!({"201": ok("The fault in place", schema("Fault")),
                                   "400": s.error(s.invalid_fault)}))},
            "delete": {"operationId": "clearFaults", "summary": "Remove every fault",
                       "responses": s.with_auth(json!({"204": {"description": "Cleared"}}))}
        }),
    );
    paths.insert(
        paths::FAULT.into(),
        json!({
            "delete": {"operationId": "removeFault", "summary": "Remove one fault",
                       "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "fltNoSuchFault00000"}],
                       "responses": s.with_auth(json!({"204": {"description": "Removed"}, "404": s.error(s.no_such_fault)}))}
        }),
    );
    paths.insert(
        paths::CLOCK.into(),
        json!({
            "get": {"operationId": "getClock", "summary": "The server's now",
                    "responses": s.with_auth(json!({"200": ok("Now", schema("Clock"))}))},
            "post": {"operationId": "advanceClock",
                     "summary": "Move the server's clock; codes, tokens, sessions and caches follow it",
                     "requestBody": body("ClockAdvance", json!({"advance_seconds": 3600})),
                     "responses": s.with_auth(json!({"200": ok("Now, after the move", schema("Clock")),
                                   "400": s.error(s.invalid_body)}))}
        }),
    );
    let filter = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}});
    paths.insert(
        paths::JOURNAL.into(),
        json!({
            "get": {"operationId": "listJournal",
                    "summary": format!("Every request the server saw, oldest first (the last {CAPACITY}), secrets masked"),
                    "parameters": [filter("endpoint", &format!("One of {}", s.journal_endpoints.join(", "))),
                                   filter("path", "The exact path, without the query"),
                                   filter("method", "GET, POST, … (any case)"),
                                   filter("since", "RFC 3339 time; entries at or after it")],
                    "responses": s.with_auth(json!({"200": ok("Entries", json!({"type": "array", "items": schema("JournalEntry")})),
                                  "400": s.error(s.invalid_filter)}))},
            "delete": {"operationId": "clearJournal", "summary": "Empty the journal",
                       "responses": s.with_auth(json!({"204": {"description": "Emptied"}}))}
        }),
    );
    paths.insert(
        paths::RESET.into(),
        json!({
            "post": {"operationId": "reset", "summary": s.reset,
                     "responses": s.with_auth(json!({"204": {"description": "Reset"}}))}
        }),
    );
    paths.insert(
        paths::OPENAPI.into(),
        json!({
            "get": {"operationId": "getOpenApi", "summary": "This document", "security": [],
                    "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}}
        }),
    );
    paths.extend(extra_paths);

    let mut spec_properties = json!({
        "endpoint": {"type": "string", "enum": s.fault_endpoints},
        "client_id": {"type": "string", "description": "Only requests naming this client id (query, form, Basic user or client assertion)"},
        "status": {"type": "integer", "minimum": 200, "maximum": 599},
        "body": {"description": s.default_body},
        "delay_ms": {"type": "integer", "minimum": 0, "maximum": MAX_DELAY_MS, "default": 0},
        "close": {"type": "boolean", "default": false, "description": "Close the connection without an answer"},
        "times": {"type": "integer", "minimum": 1, "nullable": true, "description": "The next N matching requests; absent: until cleared"}});
    if let (Some(words), Some(map)) = (s.fault_server, spec_properties.as_object_mut()) {
        map.insert(
            "server".into(),
            json!({"type": "string", "description": words}),
        );
    }
    let mut schemas = Map::new();
    schemas.insert("Error".into(), s.error_schema.clone());
    schemas.insert(
        "FaultSpec".into(),
        json!({"type": "object", "required": ["endpoint"], "additionalProperties": false,
            "description": "Give a status (with an optional body), a delay, or close; a delay combines with either.",
            "properties": spec_properties}),
    );
    schemas.insert(
        "Fault".into(),
        json!({"type": "object",
            "required": ["id", "endpoint", "server", "client_id", "status", "body", "delay_ms", "close", "times", "hits"],
            "properties": {
                "id": {"type": "string"}, "endpoint": {"type": "string", "enum": s.fault_endpoints},
                "server": {"type": "string", "nullable": true}, "client_id": {"type": "string", "nullable": true},
                "status": {"type": "integer", "nullable": true}, "body": {"nullable": true},
                "delay_ms": {"type": "integer"}, "close": {"type": "boolean"},
                "times": {"type": "integer", "nullable": true, "description": "Requests left; null: until cleared"},
                "hits": {"type": "integer", "description": "Requests it applied to"}}}),
    );
    schemas.insert(
        "Clock".into(),
        json!({"type": "object", "required": ["now", "epoch_seconds", "offset_seconds"],
            "properties": {"now": {"type": "string", "format": "date-time"},
                           "epoch_seconds": {"type": "integer"}, "offset_seconds": {"type": "integer"}}}),
    );
    schemas.insert(
        "ClockAdvance".into(),
        json!({"type": "object", "required": ["advance_seconds"], "additionalProperties": false,
            "properties": {"advance_seconds": {"type": "integer", "description": "Negative moves back"}}}),
    );
    schemas.insert(
        "JournalEntry".into(),
        json!({"type": "object",
            "required": ["seq", "time", "direction", "method", "path", "url", "endpoint", "server", "client_id",
                         "query", "form", "cookies", "credentials", "status", "fault", "duration_ms"],
            "properties": {
                "seq": {"type": "integer"}, "time": {"type": "string", "format": "date-time"},
                "direction": {"type": "string", "enum": ["incoming", "outgoing"],
                              "description": "A request the server answered, or a call it made"},
                "method": {"type": "string"}, "path": {"type": "string"},
                "url": {"type": "string", "nullable": true, "description": "An outgoing call's URL, its query masked"},
                "endpoint": {"type": "string", "enum": s.journal_endpoints, "nullable": true},
                "server": {"type": "string", "nullable": true}, "client_id": {"type": "string", "nullable": true},
                "query": {"type": "object", "additionalProperties": {"type": "string"}},
                "form": {"type": "object", "additionalProperties": {"type": "string"}},
                "cookies": {"type": "object", "additionalProperties": {"type": "string"}},
                "credentials": {"type": "string", "enum": super::journal::CREDENTIALS},
                "status": {"type": "integer", "nullable": true, "description": "null: the connection was closed, or no answer came"},
                "fault": {"type": "string", "nullable": true},
                "duration_ms": {"type": "integer"}}}),
    );
    schemas.extend(extra_schemas);
    let (security_name, security_scheme) = &s.security;
    json!({
        "openapi": "3.0.3",
        "info": {"title": s.title, "version": "1", "description": s.description},
        "servers": [{"url": s.server_url}],
        "security": [{*security_name: []}],
        "paths": paths,
        "components": {
            "securitySchemes": {*security_name: security_scheme},
            "schemas": schemas
        }
    })
}
