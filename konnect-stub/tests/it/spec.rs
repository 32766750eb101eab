//! The v3 identity API against Konnect's published spec (`spec/konnect-identity-v3.yaml`,
//! read from the repository): every operation served answers, in each case exercised here,
//! with a status the operation declares and a body its response schema accepts (required
//! fields, types, enums, formats, lengths, no write-only field); the request bodies sent are
//! checked against the request schemas too. The spec operations not served are exactly the
//! ones the README lists.

use std::collections::BTreeSet;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;
use konnect_stub::Config;

const SPEC: &str = include_str!("../../spec/konnect-identity-v3.yaml");
const README: &str = include_str!("../../README.md");
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

struct Spec(Value);

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Request,
    Response,
}

impl Spec {
    fn load() -> Self {
        Spec(serde_norway::from_str(SPEC).expect("the spec is YAML"))
    }

    /// Follows `$ref`s to the value they name.
    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            let pointer = r.strip_prefix('#').expect("a local $ref");
            v = self
                .0
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{r} is in the spec"));
        }
        v
    }

    /// Every operation: (METHOD, path template).
    fn operations(&self) -> Vec<(String, String)> {
        let mut ops = Vec::new();
        for (path, item) in self.0["paths"].as_object().expect("paths") {
            for m in METHODS {
                if item.get(m).is_some() {
                    ops.push((m.to_uppercase(), path.clone()));
                }
            }
        }
        ops
    }

    fn operation(&self, method: &str, path: &str) -> &Value {
        let op = &self.0["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the spec");
        op
    }

    /// The JSON schema of the response `status` of an operation; `None` when the response
    /// has no body. Panics when the operation does not declare the status.
    fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<&Value> {
        let responses = &self.operation(method, path)["responses"];
        let response = responses.get(status.to_string()).unwrap_or_else(|| {
            let declared: Vec<&String> = responses.as_object().unwrap().keys().collect();
            panic!("{method} {path} answered {status}; the spec declares only {declared:?}")
        });
        let content = self.resolve(response).get("content")?;
        let media = content
            .get("application/json")
            .or_else(|| content.get("application/problem+json"))
            .expect("a JSON response");
        Some(&media["schema"])
    }

    fn request_schema(&self, method: &str, path: &str) -> Option<&Value> {
        let body = self.operation(method, path).get("requestBody")?;
        Some(&self.resolve(body)["content"]["application/json"]["schema"])
    }

    /// Checks `value` against `schema`, adding each disagreement to `errors`.
    fn validate(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        direction: Direction,
        errors: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema);
        if value.is_null() {
            if schema["nullable"] != json!(true)
                && !schema.as_object().is_some_and(|s| s.is_empty())
            {
                errors.push(format!("{at}: null but not nullable"));
            }
            return;
        }
        if let Some(all) = schema["allOf"].as_array() {
            for s in all {
                self.validate(s, value, at, direction, errors);
            }
        }
        for (key, at_least, at_most) in [("oneOf", 1, 1), ("anyOf", 1, usize::MAX)] {
            if let Some(options) = schema[key].as_array() {
                let ok = options
                    .iter()
                    .filter(|s| {
                        let mut e = Vec::new();
                        self.validate(s, value, at, direction, &mut e);
                        e.is_empty()
                    })
                    .count();
                if ok < at_least || ok > at_most {
                    errors.push(format!("{at}: {ok} of the {key} schemas match"));
                }
            }
        }
        if let Some(allowed) = schema["enum"].as_array()
            && !allowed.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
        let kind = schema["type"].as_str();
        let type_ok = match kind {
            None => true,
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("boolean") => value.is_boolean(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some(other) => panic!("{at}: unknown type {other}"),
        };
        if !type_ok {
            errors.push(format!(
                "{at}: {value} is not of type {}",
                kind.unwrap_or("")
            ));
            return;
        }
        if let Some(s) = value.as_str() {
            self.validate_string(schema, s, at, errors);
        }
        if let Some(items) = value.as_array() {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    self.validate(item_schema, item, &format!("{at}[{i}]"), direction, errors);
                }
            }
            if schema["uniqueItems"] == json!(true) {
                let unique: BTreeSet<String> = items.iter().map(Value::to_string).collect();
                if unique.len() != items.len() {
                    errors.push(format!("{at}: items are not unique"));
                }
            }
        }
        if let Some(object) = value.as_object() {
            let properties = schema["properties"].as_object();
            let hidden = |name: &str| {
                properties
                    .and_then(|p| p.get(name))
                    .map(|p| self.resolve(p))
                    .is_some_and(|p| match direction {
                        Direction::Response => p["writeOnly"] == json!(true),
                        Direction::Request => p["readOnly"] == json!(true),
                    })
            };
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap();
                if !object.contains_key(name) && !hidden(name) {
                    errors.push(format!("{at}: required {name} is missing"));
                }
            }
            if let Some(max) = schema["maxProperties"].as_u64()
                && object.len() as u64 > max
            {
                errors.push(format!("{at}: more than {max} properties"));
            }
            for (name, v) in object {
                let field = format!("{at}.{name}");
                if hidden(name) {
                    errors.push(format!("{field}: must not be sent in this direction"));
                }
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => self.validate(s, v, &field, direction, errors),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            errors.push(format!("{field}: not a property of the schema"))
                        }
                        Some(s @ Value::Object(_)) => {
                            self.validate(s, v, &field, direction, errors)
                        }
                        _ => {}
                    },
                }
            }
        }
    }

    /// Lengths and formats (`pattern` is not checked: the spec's patterns here only say
    /// "not empty" or restrict label values, both covered by the lengths).
    fn validate_string(&self, schema: &Value, s: &str, at: &str, errors: &mut Vec<String>) {
        let len = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|min| len < min) {
            errors.push(format!("{at}: {s:?} is shorter than minLength"));
        }
        if schema["maxLength"].as_u64().is_some_and(|max| len > max) {
            errors.push(format!("{at}: {s:?} is longer than maxLength"));
        }
        let format_ok = match schema["format"].as_str() {
            Some("uuid") => is_uuid(s),
            Some("date-time") => {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                    .is_ok()
            }
            Some("email") => s.contains('@'),
            Some("uri") => url::Url::parse(s).is_ok(),
            _ => true,
        };
        if !format_ok {
            errors.push(format!("{at}: {s:?} is not a {}", schema["format"]));
        }
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The stub with Okta-like SSO configured, an admin's token and the spec, checking every
/// call it makes.
struct Checker {
    spec: Spec,
    http: Client,
    base: String,
    _stub: konnect_stub::KonnectStub,
    checked: BTreeSet<(String, String)>,
}

impl Checker {
    async fn start() -> Self {
        let stub = start_stub(Config::for_tests()).await;
        let client = konnect_stub::OidcClient {
            issuer: "http://127.0.0.1:9/oauth2/default".into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            scopes: konnect_stub::org::default_scopes(),
            claim_mappings: Default::default(),
            groups_wanted: false,
        };
        stub.enable_sso(client, None).unwrap();
        Self {
            spec: Spec::load(),
            http: server_kit::http_client().build().unwrap(),
            base: stub.base_url().to_owned(),
            _stub: stub,
            checked: BTreeSet::new(),
        }
    }

    /// Sends `method path` (the template with `args` filled in, in order) as the admin, and
    /// checks the request body and the answer against the operation.
    async fn call(
        &mut self,
        method: &str,
        template: &str,
        args: &[&str],
        body: Option<Value>,
    ) -> (u16, Value) {
        self.send(method, template, args, body, true).await
    }

    /// As [`Checker::call`], asserting the answer's status; returns the body.
    async fn expect(
        &mut self,
        status: u16,
        method: &str,
        template: &str,
        args: &[&str],
        body: Option<Value>,
    ) -> Value {
        let (got, value) = self.call(method, template, args, body).await;
        assert_eq!(got, status, "{method} {template} {args:?}: {value}");
        value
    }

    /// As [`Checker::call_refused`], asserting the answer's status; returns the body.
    async fn expect_refused(
        &mut self,
        status: u16,
        method: &str,
        template: &str,
        args: &[&str],
        body: Value,
    ) -> Value {
        let (got, value) = self.call_refused(method, template, args, body).await;
        assert_eq!(got, status, "{method} {template} {args:?}: {value}");
        value
    }

    /// As [`Checker::call`], with a body the spec does not allow (to check the refusal).
    async fn call_refused(
        &mut self,
        method: &str,
        template: &str,
        args: &[&str],
        body: Value,
    ) -> (u16, Value) {
        self.send(method, template, args, Some(body), false).await
    }

    async fn send(
        &mut self,
        method: &str,
        template: &str,
        args: &[&str],
        body: Option<Value>,
        check_request: bool,
    ) -> (u16, Value) {
        // The operation is the template without its query.
        let (path_template, query) = template.split_once('?').unwrap_or((template, ""));
        let mut path = path_template.to_owned();
        for arg in args {
            let start = path.find('{').expect("a parameter left to fill");
            let end = path[start..].find('}').unwrap() + start;
            path.replace_range(start..=end, arg);
        }
        if !query.is_empty() {
            path = format!("{path}?{query}");
        }
        let template = path_template;
        let mut errors = Vec::new();
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/v3{path}", self.base),
            )
            .bearer_auth("kpat_spec_admin");
        if let Some(body) = &body {
            let schema = self
                .spec
                .request_schema(method, template)
                .unwrap_or_else(|| panic!("{method} {template} takes no body"));
            if check_request {
                self.spec
                    .validate(schema, body, "request", Direction::Request, &mut errors);
            }
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        match self.spec.response_schema(method, template, status) {
            None => assert!(
                text.is_empty(),
                "{method} {path} {status}: the spec has no body, got {text}"
            ),
            Some(schema) => {
                let value: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|_| panic!("{method} {path} {status}: not JSON: {text}"));
                let json_type = if status >= 400 {
                    "application/problem+json"
                } else {
                    "application/json"
                };
                assert!(
                    content_type
                        .as_deref()
                        .is_some_and(|t| t.starts_with(json_type)),
                    "{method} {path} {status}: content type {content_type:?}"
                );
                self.spec
                    .validate(schema, &value, "response", Direction::Response, &mut errors);
                assert!(
                    errors.is_empty(),
                    "{method} {path} {status} {value}: {errors:#?}"
                );
                self.checked
                    .insert((method.to_owned(), template.to_owned()));
                return (status, value);
            }
        }
        assert!(errors.is_empty(), "{method} {path} {status}: {errors:#?}");
        self.checked
            .insert((method.to_owned(), template.to_owned()));
        (status, Value::Null)
    }
}

/// The README's list of spec operations konnect-stub does not serve.
fn documented_unserved() -> BTreeSet<(String, String)> {
    let start = README
        .find("<!-- v3-unserved:start -->")
        .expect("the README lists the unserved operations");
    let end = README.find("<!-- v3-unserved:end -->").unwrap();
    README[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- `"))
        .map(|l| {
            let op = l.split('`').next().unwrap();
            let (m, p) = op.split_once(' ').unwrap();
            (m.to_owned(), p.to_owned())
        })
        .collect()
}

/// Whether the stub serves an operation: anything but the router's own "no such route"
/// answers (the fallback's 404 or a 405 for a method the path lacks).
async fn served(http: &Client, base: &str, method: &str, template: &str) -> bool {
    let mut path = String::new();
    for segment in template.split('/') {
        if !path.is_empty() || !segment.is_empty() {
            path.push('/');
        }
        if segment.starts_with('{') {
            path.push_str("7f9fd312-a987-4628-b4c5-bb4f4fddd5f7");
        } else {
            path.push_str(segment);
        }
    }
    let response = http
        .request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{base}/v3{path}"),
        )
        .bearer_auth("kpat_spec_admin")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let fallback =
        status == StatusCode::NOT_FOUND && body["detail"] == "The requested resource was not found";
    !(fallback || status == StatusCode::METHOD_NOT_ALLOWED)
}

#[tokio::test]
async fn the_spec_operations_not_served_are_exactly_the_documented_ones() {
    let spec = Spec::load();
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let mut unserved = BTreeSet::new();
    for (method, path) in spec.operations() {
        if !served(&http, stub.base_url(), &method, &path).await {
            unserved.insert((method, path));
        }
    }
    assert_eq!(unserved, documented_unserved());
}

/// Every operation served, in the cases exercised: the status is one the spec declares and
/// the body is what its schema says.
#[tokio::test]
async fn every_served_operation_answers_as_the_spec_says() {
    let mut c = Checker::start().await;
    let missing = "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7";

    // Me, the organization, the settings and the identity provider.
    let (_, me) = c.call("GET", "/users/me", &[], None).await;
    let admin_id = me["id"].as_str().unwrap().to_owned();
    c.call("GET", "/organizations/me", &[], None).await;
    c.call("GET", "/authentication-settings", &[], None).await;
    c.expect(
        200,
        "PATCH",
        "/authentication-settings",
        &[],
        Some(json!({"idp_mapping_enabled": true})),
    )
    .await;
    c.expect(
        400,
        "PATCH",
        "/authentication-settings",
        &[],
        Some(json!({"basic_auth_enabled": false, "oidc_auth_enabled": false})),
    )
    .await;
    let (_, idp) = c.call("GET", "/identity-provider", &[], None).await;
    assert!(idp.get("client_secret").is_none());
    c.expect(
        400,
        "PATCH",
        "/identity-provider",
        &[],
        Some(json!({"login_path": "not a path"})),
    )
    .await;

    // Teams.
    let (_, teams) = c.call("GET", "/teams", &[], None).await;
    assert_eq!(teams["meta"]["page"]["total"], 8);
    let (_, found) = c
        .call(
            "GET",
            "/teams?filter[name][eq]=organization-admin",
            &[],
            None,
        )
        .await;
    let oa = found["data"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(found["data"][0]["system_team"], true);
    let team = c
        .expect(
            201,
            "POST",
            "/teams",
            &[],
            Some(
                json!({"name": "IDM - Developers", "description": "The developers.",
                "labels": {"env": "test"}}),
            ),
        )
        .await;
    let team_id = team["id"].as_str().unwrap().to_owned();
    c.expect_refused(
        400,
        "POST",
        "/teams",
        &[],
        json!({"description": "no name"}),
    )
    .await;
    c.call("GET", "/teams/{teamId}", &[&team_id], None).await;
    c.expect(404, "GET", "/teams/{teamId}", &[missing], None)
        .await;
    c.expect(400, "GET", "/teams/{teamId}", &["not-a-uuid"], None)
        .await;
    let (s, updated) = c
        .call(
            "PATCH",
            "/teams/{teamId}",
            &[&team_id],
            Some(json!({"name": "IDM - Engineers", "labels": {"env": null}})),
        )
        .await;
    assert_eq!((s, updated["labels"].clone()), (200, json!({})));
    c.expect(
        400,
        "PATCH",
        "/teams/{teamId}",
        &[&oa],
        Some(json!({"name": "mine"})),
    )
    .await;

    // Team members and users.
    let (_, users) = c.call("GET", "/users", &[], None).await;
    assert_eq!(users["meta"]["page"]["total"], 2);
    let (_, members) = c
        .call("GET", "/users?filter[email][contains]=user@", &[], None)
        .await;
    let member_id = members["data"][0]["id"].as_str().unwrap().to_owned();
    c.call("GET", "/users/{userId}", &[&member_id], None).await;
    c.expect(404, "GET", "/users/{userId}", &[missing], None)
        .await;
    c.expect(
        201,
        "POST",
        "/teams/{teamId}/users",
        &[&team_id],
        Some(json!({"id": member_id})),
    )
    .await;
    c.expect(
        409,
        "POST",
        "/teams/{teamId}/users",
        &[&team_id],
        Some(json!({"id": member_id})),
    )
    .await;
    let (_, in_team) = c
        .call("GET", "/teams/{teamId}/users", &[&team_id], None)
        .await;
    assert_eq!(in_team["data"][0]["id"], member_id.as_str());
    let (_, mine) = c
        .call("GET", "/users/{userId}/teams", &[&member_id], None)
        .await;
    assert_eq!(mine["data"][0]["id"], team_id.as_str());
    let (_, owners) = c
        .call("GET", "/users/{userId}/teams", &[&admin_id], None)
        .await;
    assert_eq!(owners["data"][0]["id"], oa.as_str());
    c.expect(
        204,
        "DELETE",
        "/teams/{teamId}/users/{userId}",
        &[&team_id, &member_id],
        None,
    )
    .await;
    c.expect(
        404,
        "DELETE",
        "/teams/{teamId}/users/{userId}",
        &[&team_id, &member_id],
        None,
    )
    .await;

    // Team-group mappings.
    let mapped = c
        .expect(
            200,
            "PATCH",
            "/identity-provider/team-group-mappings",
            &[],
            Some(json!({"data": [{"team_id": oa, "groups": ["Konnect Admins"]}]})),
        )
        .await;
    assert_eq!(mapped["data"][0]["groups"], json!(["Konnect Admins"]));
    c.expect(
        400,
        "PATCH",
        "/identity-provider/team-group-mappings",
        &[],
        Some(json!({"data": [{"team_id": missing, "groups": ["G"]}]})),
    )
    .await;
    let (_, all) = c
        .call("GET", "/identity-provider/team-group-mappings", &[], None)
        .await;
    assert_eq!(all["meta"]["page"]["total"], 1);
    // The same mappings keyed by group.
    let (_, by_group) = c
        .call("GET", "/identity-provider/team-mappings", &[], None)
        .await;
    assert_eq!(
        by_group["data"],
        json!([{"group": "Konnect Admins", "team_ids": [oa]}])
    );
    let (s, put) = c
        .call(
            "PUT",
            "/identity-provider/team-mappings",
            &[],
            Some(json!({"mappings": [{"group": "Konnect Admins", "team_ids": [oa, team_id]}]})),
        )
        .await;
    assert_eq!(
        (s, put["data"][0]["team_ids"].clone()),
        (200, json!([oa, team_id]))
    );
    c.expect(
        200,
        "PUT",
        "/identity-provider/team-mappings",
        &[],
        Some(json!({"mappings": [{"group": "Konnect Admins", "team_ids": [oa]}]})),
    )
    .await;

    // Identity providers: the OIDC one (the same as /identity-provider) and a SAML one.
    let (_, list) = c.call("GET", "/identity-providers", &[], None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let oidc = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (list[0]["type"].clone(), list[0]["enabled"].clone()),
        (json!("oidc"), json!(true))
    );
    let (_, none) = c
        .call(
            "GET",
            "/identity-providers?filter[type][eq]=saml",
            &[],
            None,
        )
        .await;
    assert_eq!(none, json!([]));
    c.expect(
        409,
        "POST",
        "/identity-providers",
        &[],
        Some(json!({"type": "oidc", "config": {"issuer_url": "https://x.test", "client_id": "c"}})),
    )
    .await;
    let (s, saml) = c
        .call(
            "POST",
            "/identity-providers",
            &[],
            Some(json!({"type": "saml", "login_path": "acme-saml",
                "config": {"idp_metadata_xml": "<EntityDescriptor/>"}})),
        )
        .await;
    assert_eq!((s, saml["enabled"].clone()), (201, json!(false)));
    let saml_id = saml["id"].as_str().unwrap().to_owned();
    c.expect_refused(
        400,
        "POST",
        "/identity-providers",
        &[],
        json!({"type": "saml", "config": {"issuer_url": "https://x.test"}}),
    )
    .await;
    c.call("GET", "/identity-providers/{id}", &[&oidc], None)
        .await;
    c.expect(404, "GET", "/identity-providers/{id}", &[missing], None)
        .await;
    c.expect(400, "GET", "/identity-providers/{id}", &["nope"], None)
        .await;
    let (s, both) = c
        .call(
            "PATCH",
            "/identity-providers/{id}",
            &[&saml_id],
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(s, 400, "OIDC and SAML are never on together: {both}");
    let (s, renamed) = c
        .call(
            "PATCH",
            "/identity-providers/{id}",
            &[&saml_id],
            Some(json!({"login_path": "acme-saml-2"})),
        )
        .await;
    assert_eq!(
        (s, renamed["login_path"].clone()),
        (200, json!("acme-saml-2"))
    );
    let (s, off) = c
        .call(
            "PATCH",
            "/identity-providers/{id}",
            &[&oidc],
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!((s, off["enabled"].clone()), (200, json!(false)));

    // Team-group mappings of a provider, one by one, with cursor pages.
    let one = c
        .expect(
            201,
            "POST",
            "/identity-providers/{idpId}/team-group-mappings",
            &[&oidc],
            Some(json!({"team_id": oa, "group": "Tech Leads"})),
        )
        .await;
    let mapping = one["id"].as_str().unwrap().to_owned();
    c.expect(
        409,
        "POST",
        "/identity-providers/{idpId}/team-group-mappings",
        &[&oidc],
        Some(json!({"team_id": oa, "group": "Tech Leads"})),
    )
    .await;
    let (_, first) = c
        .call(
            "GET",
            "/identity-providers/{idpId}/team-group-mappings?page[size]=1",
            &[&oidc],
            None,
        )
        .await;
    assert_eq!(first["data"][0]["group"], "Konnect Admins");
    let next = first["meta"]["page"]["next"].as_str().unwrap().to_owned();
    let after = next.split("page[after]=").nth(1).unwrap().to_owned();
    let (_, second) = c
        .call(
            "GET",
            &format!(
                "/identity-providers/{{idpId}}/team-group-mappings?page[size]=1&page[after]={after}"
            ),
            &[&oidc],
            None,
        )
        .await;
    assert_eq!(second["data"][0]["id"], mapping.as_str());
    assert!(second["meta"]["page"]["next"].is_null());
    c.call(
        "GET",
        "/identity-providers/{idpId}/team-group-mappings/{id}",
        &[&oidc, &mapping],
        None,
    )
    .await;
    c.expect(
        204,
        "DELETE",
        "/identity-providers/{idpId}/team-group-mappings/{id}",
        &[&oidc, &mapping],
        None,
    )
    .await;
    c.expect(
        404,
        "GET",
        "/identity-providers/{idpId}/team-group-mappings/{id}",
        &[&oidc, &mapping],
        None,
    )
    .await;
    c.expect(204, "DELETE", "/identity-providers/{id}", &[&saml_id], None)
        .await;
    c.expect(404, "DELETE", "/identity-providers/{id}", &[&saml_id], None)
        .await;

    // Roles.
    let (_, roles) = c.call("GET", "/roles", &[], None).await;
    assert_eq!(roles["identity"]["roles"]["admin"]["name"], "Admin");
    let (_, assigned) = c
        .call("GET", "/teams/{teamId}/assigned-roles", &[&team_id], None)
        .await;
    assert_eq!(assigned["data"], json!([]));
    c.expect(
        404,
        "GET",
        "/teams/{teamId}/assigned-roles",
        &[missing],
        None,
    )
    .await;

    // And gone again.
    c.expect(204, "DELETE", "/teams/{teamId}", &[&team_id], None)
        .await;
    c.expect(400, "DELETE", "/teams/{teamId}", &[&oa], None)
        .await;

    // Every served operation was checked at least once.
    let spec = Spec::load();
    let served: BTreeSet<(String, String)> = spec
        .operations()
        .into_iter()
        .filter(|op| !documented_unserved().contains(op))
        .collect();
    let unchecked: Vec<_> = served.difference(&c.checked).collect();
    assert!(
        unchecked.is_empty(),
        "served but not checked: {unchecked:?}"
    );
}

#[test]
fn the_checker_finds_what_the_spec_forbids() {
    // The validator itself: each kind of disagreement is caught.
    let spec = Spec::load();
    let team = json!({"$ref": "#/components/schemas/TeamResponse"});
    let good = json!({"id": "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7", "name": "T",
        "description": null, "system_team": false, "labels": {},
        "created_at": "2022-02-07T17:46:57.52Z", "updated_at": "2022-02-07T17:46:57.52Z"});
    let mut errors = Vec::new();
    spec.validate(&team, &good, "t", Direction::Response, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    for (field, bad) in [
        ("id", json!("nope")),
        ("system_team", json!("false")),
        ("created_at", json!("yesterday")),
        ("name", json!("")),
    ] {
        let mut v = good.clone();
        v[field] = bad;
        let mut errors = Vec::new();
        spec.validate(&team, &v, "t", Direction::Response, &mut errors);
        assert!(!errors.is_empty(), "{field} accepted");
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("labels");
    let mut errors = Vec::new();
    spec.validate(&team, &missing, "t", Direction::Response, &mut errors);
    assert_eq!(errors, ["t: required labels is missing"]);
    // A write-only field in a response.
    let idp = json!({"$ref": "#/components/schemas/OIDCIdentityProviderConfig"});
    let mut errors = Vec::new();
    spec.validate(
        &idp,
        &json!({"issuer_url": "https://x.test", "client_id": "c", "client_secret": "s"}),
        "c",
        Direction::Response,
        &mut errors,
    );
    assert_eq!(
        errors,
        ["c.client_secret: must not be sent in this direction"]
    );
}

/// The spec's own request examples, sent to every served operation that takes a body: each
/// answer has a declared status and a body its schema accepts, as a client generated from
/// the spec would expect.
#[tokio::test]
async fn the_specs_request_examples_get_answers_the_spec_allows() {
    let mut c = Checker::start().await;
    let (_, team) = c
        .call("POST", "/teams", &[], Some(json!({"name": "Examples"})))
        .await;
    let (_, users) = c
        .call(
            "GET",
            "/users?filter[email][eq]=user@example.com",
            &[],
            None,
        )
        .await;
    let (_, providers) = c.call("GET", "/identity-providers", &[], None).await;
    let id_for = |param: &str| -> String {
        match param {
            "{teamId}" => team["id"].as_str().unwrap().to_owned(),
            "{userId}" => users["data"][0]["id"].as_str().unwrap().to_owned(),
            "{id}" | "{idpId}" => providers[0]["id"].as_str().unwrap().to_owned(),
            other => panic!("no id for {other}"),
        }
    };
    let unserved = documented_unserved();
    let mut sent = 0;
    for (method, path) in c.spec.operations() {
        if unserved.contains(&(method.clone(), path.clone())) {
            continue;
        }
        let Some(body) = c.spec.operation(&method, &path).get("requestBody") else {
            continue;
        };
        let media = &c.spec.resolve(body)["content"]["application/json"];
        let examples: Vec<Value> = media["examples"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, e)| c.spec.resolve(e)["value"].clone())
            .chain(media["schema"].get("example").cloned())
            .filter(|v| !v.is_null())
            .collect();
        let args: Vec<String> = path
            .split('/')
            .filter(|s| s.starts_with('{'))
            .map(id_for)
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for example in examples {
            c.call(&method, &path, &args, Some(example)).await;
            sent += 1;
        }
    }
    assert!(sent >= 10, "only {sent} examples sent");
}
