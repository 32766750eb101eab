//! Test control on konnect-stub (`/__mock` and the `KonnectStub` handle): faults, clock,
//! journal, reset and the OpenAPI document, each checked over the wire.

use konnect_stub::{Config, KonnectStub, control::Endpoint};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use server_kit::control::{FaultSpec, JournalFilter};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PAT, browser, location};

struct Stub {
    stub: KonnectStub,
    http: reqwest::Client,
}

impl Stub {
    async fn start() -> Self {
        let stub = KonnectStub::start(Config::for_tests()).await.unwrap();
        Self {
            stub,
            http: browser(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.stub.base_url())
    }

    /// A control call with the admin's PAT; the answer's status, Content-Type and JSON.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, String, Value) {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_PAT}"));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = res.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, ct, v)
    }

    async fn journal(&self, query: &str) -> Vec<Value> {
        let (s, _, v) = self
            .call(Method::GET, &format!("/__mock/journal{query}"), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v.as_array().unwrap().clone()
    }

    /// Logs the admin in with the login form; the browser keeps the session cookie.
    async fn log_in(&self) {
        let res = self
            .http
            .post(self.url("/login"))
            .form(&[("username", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }

    async fn home_status(&self) -> (StatusCode, Option<String>) {
        let res = self.http.get(self.url("/")).send().await.unwrap();
        let loc = res.headers().get(header::LOCATION).map(|_| location(&res));
        (res.status(), loc)
    }
}

fn assert_problem(got: &(StatusCode, String, Value), status: u16) {
    assert_eq!(got.0.as_u16(), status, "{}", got.2);
    assert!(got.1.starts_with("application/problem+json"), "{}", got.1);
    assert_eq!(got.2["status"], status, "{}", got.2);
}

#[tokio::test]
async fn a_fault_makes_a_named_endpoint_answer_then_goes() {
    let k = Stub::start().await;
    let (s, _, fault) = k
        .call(
            Method::POST,
            "/__mock/faults",
            Some(json!({"endpoint": "home", "status": 503, "times": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fault}");
    assert_eq!(fault["endpoint"], "home");
    let (_, _, listed) = k.call(Method::GET, "/__mock/faults", None).await;
    assert_eq!(listed[0]["id"], fault["id"]);
    let res = k.http.get(k.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("<html"), "an error page");
    assert_eq!(k.home_status().await.0, StatusCode::SEE_OTHER, "used up");
    let (_, _, listed) = k.call(Method::GET, "/__mock/faults", None).await;
    assert_eq!(listed, json!([]));
    let entries = k.journal("?endpoint=home").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["fault"], fault["id"]);
    assert_eq!(entries[0]["status"], 503);

    // The API's faults answer problem+json; a custom body is sent as asked.
    k.call(
        Method::POST,
        "/__mock/faults",
        Some(json!({"endpoint": "api", "status": 429})),
    )
    .await;
    let got = k.call(Method::GET, "/v2/users/me", None).await;
    assert_problem(&got, 429);
    assert_eq!(got.2["detail"], "Too many requests; try again later");
    let (s, _, _) = k.call(Method::DELETE, "/__mock/faults", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        k.call(Method::GET, "/v2/users/me", None).await.0,
        StatusCode::OK
    );
    k.call(
        Method::POST,
        "/__mock/faults",
        Some(json!({"endpoint": "login", "status": 500, "body": "down for maintenance"})),
    )
    .await;
    let res = k.http.get(k.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.text().await.unwrap(), "down for maintenance");
}

#[tokio::test]
async fn control_calls_need_the_admin_pat_and_bad_input_changes_nothing() {
    let k = Stub::start().await;
    for (method, path) in [
        (Method::GET, "/__mock/faults"),
        (Method::POST, "/__mock/reset"),
    ] {
        let res = k.http.request(method, k.url(path)).send().await.unwrap();
        let got = (
            res.status(),
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned(),
            res.json::<Value>().await.unwrap(),
        );
        assert_problem(&got, 401);
        assert_eq!(got.2["title"], "Unauthenticated");
    }
    let res = k
        .http
        .get(k.url("/__mock/clock"))
        .header(header::AUTHORIZATION, "Bearer spat_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let got = k
        .call(
            Method::POST,
            "/__mock/faults",
            Some(json!({"endpoint": "tokens", "status": 700, "times": 0})),
        )
        .await;
    assert_problem(&got, 400);
    let fields: Vec<&str> = got.2["invalid_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["endpoint", "status", "times"]);
    // Outgoing calls are journaled, not faulted: the provider is what to break.
    let got = k
        .call(
            Method::POST,
            "/__mock/faults",
            Some(json!({"endpoint": "token", "status": 503})),
        )
        .await;
    assert_problem(&got, 400);
    assert_eq!(
        k.call(Method::GET, "/__mock/faults", None).await.2,
        json!([])
    );

    let res = k
        .http
        .post(k.url("/__mock/clock"))
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_PAT}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["invalid_parameters"][0]["reason"],
        "request format is invalid"
    );
    assert_eq!(k.stub.now().offset_seconds, 0, "the clock did not move");
    let got = k.call(Method::DELETE, "/__mock/faults/nope", None).await;
    assert_problem(&got, 404);
    let got = k
        .call(Method::GET, "/__mock/journal?since=yesterday", None)
        .await;
    assert_problem(&got, 400);
    let got = k.call(Method::GET, "/__mock/nothing", None).await;
    assert_problem(&got, 404);
    assert!(
        k.journal("").await.is_empty(),
        "control calls are not journaled"
    );
}

#[tokio::test]
async fn advancing_the_clock_past_the_session_lifetime_asks_for_a_login_again() {
    let k = Stub::start().await;
    k.log_in().await;
    assert_eq!(k.home_status().await.0, StatusCode::OK);
    let (s, _, now) = k
        .call(
            Method::POST,
            "/__mock/clock",
            Some(json!({"advance_seconds": 11 * 3600})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{now}");
    assert_eq!(now["offset_seconds"], 11 * 3600);
    assert_eq!(k.home_status().await.0, StatusCode::OK, "within 12 hours");
    k.call(
        Method::POST,
        "/__mock/clock",
        Some(json!({"advance_seconds": 3600})),
    )
    .await;
    let (status, loc) = k.home_status().await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/login"));
    let (_, _, got) = k.call(Method::GET, "/__mock/clock", None).await;
    assert_eq!(got["offset_seconds"], 12 * 3600);
    assert!(got["now"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn the_journal_shows_requests_and_provider_calls_with_secrets_masked() {
    let k = Stub::start().await;
    k.log_in().await;
    let entries = k.journal("?endpoint=login&method=post").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(e["direction"], "incoming");
    assert_eq!(e["path"], "/login");
    assert_eq!(e["form"]["username"], ADMIN_EMAIL);
    assert_eq!(
        e["form"]["password"],
        server_kit::control::mask(ADMIN_PASSWORD).as_str()
    );
    assert_eq!(e["status"], 303);
    k.home_status().await;
    let home = &k.journal("?path=/").await[0];
    let cookie = home["cookies"]["konnectaccesstoken"].as_str().unwrap();
    assert!(
        cookie.contains("...("),
        "the session cookie is masked: {cookie}"
    );
    let api = &k.journal("?endpoint=api").await;
    assert!(api.is_empty());
    k.call(Method::GET, "/v2/users/me", None).await;
    assert_eq!(k.journal("?endpoint=api").await[0]["credentials"], "Bearer");

    // A discovery call konnect-stub makes, journaled as outgoing (no answer: status null).
    let got = k
        .call(
            Method::PATCH,
            "/v2/identity-provider",
            Some(json!({"issuer": "http://127.0.0.1:1/oauth2/default", "client_id": "cid", "client_secret": "secret"})),
        )
        .await;
    assert_eq!(got.0, StatusCode::BAD_REQUEST, "{}", got.2);
    let calls = k.journal("?endpoint=discovery").await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["direction"], "outgoing");
    assert_eq!(
        calls[0]["url"],
        "http://127.0.0.1:1/oauth2/default/.well-known/openid-configuration"
    );
    assert_eq!(calls[0]["status"], Value::Null);

    let all = k.journal("").await;
    let seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");
    let since = all.last().unwrap()["time"].as_str().unwrap().to_owned();
    assert!(!k.journal(&format!("?since={since}")).await.is_empty());
    let (s, _, _) = k.call(Method::DELETE, "/__mock/journal", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(k.journal("").await.is_empty());
}

#[tokio::test]
async fn a_reset_goes_back_to_the_seed() {
    let k = Stub::start().await;
    k.log_in().await;
    k.stub
        .enable_sso(
            konnect_stub::OidcClient {
                issuer: "http://127.0.0.1:1/oauth2/default".into(),
                client_id: "cid".into(),
                client_secret: "secret".into(),
                scopes: konnect_stub::org::default_scopes(),
                claim_mappings: konnect_stub::org::ClaimMappings::default(),
                groups_wanted: false,
            },
            None,
        )
        .unwrap();
    assert_eq!(
        k.call(Method::GET, "/v2/identity-provider", None).await.0,
        StatusCode::OK
    );
    k.stub.advance_clock(60);
    k.stub
        .faults()
        .add(FaultSpec::status(Endpoint::Identity, 500))
        .unwrap();
    let (s, _, _) = k.call(Method::POST, "/__mock/reset", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(k.stub.now().offset_seconds, 0);
    assert!(k.stub.faults().list().is_empty());
    assert!(
        k.stub
            .journal(&JournalFilter::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        k.home_status().await.0,
        StatusCode::SEE_OTHER,
        "sessions are closed"
    );
    let got = k.call(Method::GET, "/v2/identity-provider", None).await;
    assert_problem(&got, 404);

    // A harness that sets the organization up after start keeps that set-up.
    k.call(
        Method::PATCH,
        "/v2/authentication-settings",
        Some(json!({"basic_auth_enabled": true})),
    )
    .await;
    k.stub
        .enable_sso(
            konnect_stub::OidcClient {
                issuer: "http://127.0.0.1:1/oauth2/default".into(),
                client_id: "cid".into(),
                client_secret: "secret".into(),
                scopes: konnect_stub::org::default_scopes(),
                claim_mappings: konnect_stub::org::ClaimMappings::default(),
                groups_wanted: false,
            },
            None,
        )
        .unwrap();
    k.stub.keep_as_seed();
    k.stub.reset();
    assert_eq!(
        k.call(Method::GET, "/v2/identity-provider", None).await.0,
        StatusCode::OK
    );
    k.stub.clear_journal();
    assert!(
        k.stub
            .journal(&JournalFilter::default())
            .unwrap()
            .is_empty()
    );
}

/// Every operation of the OpenAPI document answers as documented, every method a path does
/// not document is refused, and every routed control path is documented.
#[tokio::test]
async fn the_openapi_document_matches_what_is_served() {
    let k = Stub::start().await;
    let res = k
        .http
        .get(k.url("/__mock/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "public: tools read it first");
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["servers"][0]["url"], k.url("/__mock").as_str());
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    documented.sort_unstable();
    assert_eq!(
        documented,
        [
            "/clock",
            "/faults",
            "/faults/{id}",
            "/journal",
            "/openapi.json",
            "/reset"
        ]
    );
    for (path, item) in paths {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let url = format!("/__mock{}", path.replace("{id}", "fltNoSuchFault00000"));
            let Some(op) = item.get(method.as_str().to_lowercase()) else {
                let got = k.call(method.clone(), &url, None).await;
                assert_problem(&got, 405);
                continue;
            };
            let example = op["requestBody"]["content"]["application/json"]["example"].clone();
            let body = (!example.is_null()).then_some(example);
            let (s, _, answer) = k.call(method.clone(), &url, body).await;
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key(s.as_str()),
                "{method} {path} answered {s}: {answer}"
            );
            if op.get("security") != Some(&json!([])) {
                let res = k
                    .http
                    .request(method.clone(), k.url(&url))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
                assert!(responses.contains_key("401"));
            }
        }
    }
}

/// The journal proves how konnect-stub redeemed the code (client_secret_basic, PKCE), with
/// the secrets masked.
#[tokio::test]
async fn the_journal_shows_the_code_exchange_konnect_made() {
    use crate::helpers::{CLIENT_ID, Key, Sso};
    let sso = Sso::start().await;
    sso.stub.clear_journal();
    let response = sso.login_with_claims(Key::One, |_| {}).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let calls = sso
        .stub
        .journal(&JournalFilter::endpoint(Endpoint::Token))
        .unwrap();
    assert_eq!(calls.len(), 1, "the code is redeemed once: {calls:?}");
    let call = serde_json::to_value(&calls[0]).unwrap();
    assert_eq!(call["direction"], "outgoing");
    assert_eq!(call["method"], "POST");
    assert_eq!(call["credentials"], "basic");
    assert_eq!(call["client_id"], CLIENT_ID);
    assert_eq!(call["status"], 200);
    assert_eq!(call["form"]["grant_type"], "authorization_code");
    assert_eq!(call["form"]["code"], "...(6)");
    let verifier = call["form"]["code_verifier"].as_str().unwrap();
    assert!(verifier.ends_with("...(43)"), "{verifier}");
    let started = sso
        .stub
        .journal(&JournalFilter::endpoint(Endpoint::Sso))
        .unwrap();
    assert_eq!(started.len(), 1);
    let callback = sso
        .stub
        .journal(&JournalFilter::endpoint(Endpoint::Callback))
        .unwrap();
    assert_eq!(callback[0].query["code"], "...(6)");
}

/// A sign-in attempt expires by the server's clock: ten minutes at the provider at most.
#[tokio::test]
async fn a_sign_in_attempt_expires_by_the_server_clock() {
    use crate::helpers::{Sso, assert_refused};
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    sso.stub.advance_clock(11 * 60);
    let response = sso
        .callback(&[("code", "code-1"), ("state", &attempt.state)])
        .await;
    assert_refused(response, StatusCode::BAD_REQUEST, &["expired"]).await;
}
