//! Test control (`/__mock` and the `MockOkta` handle): faults, clock, keys, journal, reset
//! and the OpenAPI document, each checked over the wire.
//!
//! Self-contained on purpose (its own small helpers), so it reads as the control API's
//! documentation and does not move with the shared test support.

use std::time::{Duration, Instant};

use mock_okta::{
    Config, MockOkta,
    config::DEFAULT_API_TOKEN,
    control::{Endpoint, FaultSpec, JournalFilter, mask},
};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const REDIRECT: &str = "https://app.example.test/callback";
const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn key_file() -> &'static std::path::Path {
    use std::sync::OnceLock;
    static FILE: OnceLock<tempfile::TempPath> = OnceLock::new();
    FILE.get_or_init(|| {
        let pem = mock_okta::keys::SigningKey::generate_pem().expect("key");
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, pem.as_bytes()).expect("write key");
        f.into_temp_path()
    })
}

struct Org {
    okta: MockOkta,
    http: reqwest::Client,
}

struct Client {
    id: String,
    secret: String,
}

impl Org {
    async fn start() -> Self {
        let mut config = Config::for_tests();
        config.signing_key = Some(key_file().to_path_buf());
        let okta = MockOkta::start(config).await.expect("mock-okta starts");
        let http = server_kit::http_client()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        Self { okta, http }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.okta.base_url())
    }

    /// A request with the org's API token (the Management API's and `/__mock`'s).
    fn ssws(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header(header::AUTHORIZATION, format!("SSWS {DEFAULT_API_TOKEN}"))
    }

    async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.ssws(method, path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    async fn add_fault(&self, spec: Value) -> Value {
        let (status, fault) = self.json(Method::POST, "/__mock/faults", Some(spec)).await;
        assert_eq!(status, StatusCode::CREATED, "{fault}");
        fault
    }

    async fn journal(&self, query: &str) -> Vec<Value> {
        let (status, v) = self
            .json(Method::GET, &format!("/__mock/journal{query}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v.as_array().expect("entries").clone()
    }

    async fn jwks_kids(&self) -> Vec<String> {
        let v: Value = self
            .http
            .get(self.url("/oauth2/default/v1/keys"))
            .send()
            .await
            .expect("keys")
            .json()
            .await
            .expect("jwks");
        v["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| k["kid"].as_str().expect("kid").to_owned())
            .collect()
    }

    /// A web app (authorization code, client_secret_basic) assigned to Everyone.
    async fn web_app(&self) -> Client {
        let (status, app) = self
            .json(
                Method::POST,
                "/api/v1/apps",
                Some(json!({
                    "name": "oidc_client", "label": "Control App", "signOnMode": "OPENID_CONNECT",
                    "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
                    "settings": {"oauthClient": {"application_type": "web", "redirect_uris": [REDIRECT],
                        "grant_types": ["authorization_code"], "response_types": ["code"]}}
                })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{app}");
        let (_, groups) = self
            .json(Method::GET, "/api/v1/groups?q=Everyone", None)
            .await;
        let everyone = groups[0]["id"].as_str().expect("Everyone");
        let id = app["id"].as_str().expect("app id");
        let (status, _) = self
            .json(
                Method::PUT,
                &format!("/api/v1/apps/{id}/groups/{everyone}"),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let oauth = &app["credentials"]["oauthClient"];
        Client {
            id: oauth["client_id"].as_str().expect("client_id").to_owned(),
            secret: oauth["client_secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// A code for `client`, with PKCE S256, state and nonce, through a one-time session
    /// token from `/api/v1/authn`.
    async fn code(&self, client: &Client) -> String {
        let res = self
            .http
            .post(self.url("/api/v1/authn"))
            .json(&json!({"username": USER.0, "password": USER.1}))
            .send()
            .await
            .expect("authn");
        assert_eq!(res.status(), StatusCode::OK);
        let authn: Value = res.json().await.expect("authn json");
        let token = authn["sessionToken"].as_str().expect("sessionToken");
        let mut url = url::Url::parse(&self.url("/oauth2/default/v1/authorize")).expect("url");
        url.query_pairs_mut().extend_pairs([
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "state-123"),
            ("nonce", "nonce-456"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("sessionToken", token),
        ]);
        let res = self.http.get(url).send().await.expect("authorize");
        assert_eq!(res.status(), StatusCode::FOUND);
        let location = res.headers()[header::LOCATION].to_str().expect("location");
        url::Url::parse(location)
            .expect("redirect")
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("code")
    }

    /// An Okta session cookie (`idx=…`) for the seeded user.
    async fn session_cookie(&self) -> String {
        let authn: Value = self
            .http
            .post(self.url("/api/v1/authn"))
            .json(&json!({"username": USER.0, "password": USER.1}))
            .send()
            .await
            .expect("authn")
            .json()
            .await
            .expect("authn json");
        let res = self
            .http
            .get(self.url("/login/sessionCookieRedirect"))
            .query(&[
                ("token", authn["sessionToken"].as_str().expect("token")),
                ("redirectUrl", "/app/UserHome"),
            ])
            .send()
            .await
            .expect("session cookie redirect");
        assert_eq!(res.status(), StatusCode::FOUND);
        let cookie = header_str(&res, "set-cookie");
        cookie.split(';').next().expect("cookie").to_owned()
    }

    async fn redeem(&self, client: &Client, code: &str) -> reqwest::Response {
        self.http
            .post(self.url("/oauth2/default/v1/token"))
            .basic_auth(&client.id, Some(&client.secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .expect("token")
    }
}

fn header_str<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_fault_on_token_answers_503_once_then_the_endpoint_answers_normally() {
    let org = Org::start().await;
    let fault = org
        .add_fault(json!({"endpoint": "token", "status": 503, "delay_ms": 0, "times": 1}))
        .await;
    assert_eq!(fault["endpoint"], "token");
    assert_eq!(fault["times"], 1);
    assert!(fault["id"].as_str().unwrap().starts_with("flt"));
    let token = |code: &'static str| {
        org.http
            .post(org.url("/oauth2/default/v1/token"))
            .basic_auth("0oaNobody", Some("secret"))
            .form(&[("grant_type", "authorization_code"), ("code", code)])
            .send()
    };
    let res = token("bogus").await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(header_str(&res, "content-type").starts_with("application/json"));
    assert!(!header_str(&res, "x-okta-request-id").is_empty());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(body["error_description"].is_string());

    let res = token("bogus").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the fault was used up; the endpoint answers as itself"
    );
    let (_, faults) = org.json(Method::GET, "/__mock/faults", None).await;
    assert_eq!(faults, json!([]));
    let entries = org.journal("?endpoint=token").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["status"], 503);
    assert_eq!(entries[0]["fault"], fault["id"]);
    assert_eq!(entries[1]["status"], 401);
    assert_eq!(entries[1]["fault"], Value::Null);
}

#[tokio::test]
async fn a_429_fault_answers_oktas_rate_limit_body_and_headers() {
    let org = Org::start().await;
    org.add_fault(json!({"endpoint": "api", "status": 429, "times": 2}))
        .await;
    let res = org.ssws(Method::GET, "/api/v1/users").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_str(&res, "x-rate-limit-limit"), "1000");
    assert_eq!(header_str(&res, "x-rate-limit-remaining"), "0");
    let reset: i64 = header_str(&res, "x-rate-limit-reset").parse().unwrap();
    assert!(
        reset > org.okta.now().epoch_seconds,
        "reset is in the future"
    );
    let text = res.text().await.unwrap();
    assert!(
        text.starts_with(r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oae"#),
        "{text}"
    );
    // An OAuth endpoint rate-limited answers the same Okta body.
    org.add_fault(json!({"endpoint": "token", "status": 429}))
        .await;
    let res = org
        .http
        .post(org.url("/oauth2/v1/token"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_str(&res, "x-rate-limit-remaining"), "0");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000047");
    // A 500 on the Management API is Okta's E0000009.
    org.okta.faults().clear();
    org.add_fault(json!({"endpoint": "api", "status": 500, "times": 1}))
        .await;
    let (status, body) = org.json(Method::GET, "/api/v1/users", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["errorCode"], "E0000009");
    assert_eq!(body["errorSummary"], "Internal Server Error");
}

#[tokio::test]
async fn a_delay_is_honoured_and_then_the_endpoint_answers() {
    let org = Org::start().await;
    org.add_fault(json!({"endpoint": "keys", "delay_ms": 400, "times": 1}))
        .await;
    let started = Instant::now();
    let res = org
        .http
        .get(org.url("/oauth2/default/v1/keys"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(res.status(), StatusCode::OK);
    let jwks: Value = res.json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    let entries = org.journal("?endpoint=keys").await;
    assert!(entries[0]["duration_ms"].as_u64().unwrap() >= 400);
    // A delay with a status waits, then answers the status; a page answers HTML.
    org.add_fault(json!({"endpoint": "signin", "status": 502, "delay_ms": 100}))
        .await;
    let started = Instant::now();
    let res = org
        .http
        .get(org.url("/login/login.htm"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(header_str(&res, "content-type").starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn close_drops_the_connection_without_an_answer() {
    let org = Org::start().await;
    org.add_fault(json!({"endpoint": "token", "close": true, "times": 1}))
        .await;
    let mut tcp = tokio::net::TcpStream::connect(org.okta.local_addr())
        .await
        .unwrap();
    let body = "grant_type=client_credentials";
    tcp.write_all(
        format!(
            "POST /oauth2/default/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection");
    assert!(read.is_ok() || answer.is_empty());
    assert!(
        answer.is_empty(),
        "no answer at all: {}",
        String::from_utf8_lossy(&answer)
    );
    let entries = org.journal("?endpoint=token").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["status"], Value::Null, "closed, no status");
    // The fault was used up: the next request is answered.
    let res = org
        .http
        .post(org.url("/oauth2/default/v1/token"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn faults_narrow_to_one_authorization_server_or_client() {
    let org = Org::start().await;
    let client = org.web_app().await;
    org.add_fault(json!({"endpoint": "keys", "server": "org", "status": 500}))
        .await;
    let status = |path: &'static str| {
        let req = org.http.get(org.url(path)).send();
        async move { req.await.unwrap().status() }
    };
    assert_eq!(
        status("/oauth2/v1/keys").await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(status("/oauth2/default/v1/keys").await, StatusCode::OK);
    org.add_fault(json!({"endpoint": "token", "client_id": client.id, "status": 400}))
        .await;
    let res = org.redeem(&client, "bogus").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let other = org
        .http
        .post(org.url("/oauth2/default/v1/token"))
        .basic_auth("0oaSomeoneElse", Some("x"))
        .form(&[("grant_type", "authorization_code"), ("code", "c")])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED, "another client");
    let (_, faults) = org.json(Method::GET, "/__mock/faults", None).await;
    assert_eq!(faults.as_array().unwrap().len(), 2, "until cleared");
    assert_eq!(faults[1]["hits"], 1);
    let id = faults[0]["id"].as_str().unwrap();
    let (s, _) = org
        .json(Method::DELETE, &format!("/__mock/faults/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(status("/oauth2/v1/keys").await, StatusCode::OK);
    let (s, _) = org.json(Method::DELETE, "/__mock/faults", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(org.okta.faults().list().is_empty());
}

#[tokio::test]
async fn discovery_faults_and_the_journal_hold_on_the_fast_path_too() {
    let org = Org::start().await;
    let discovery = || {
        org.http
            .get(org.url("/oauth2/default/.well-known/openid-configuration"))
            .send()
    };
    assert_eq!(discovery().await.unwrap().status(), StatusCode::OK);
    org.add_fault(json!({"endpoint": "discovery", "status": 500, "times": 1}))
        .await;
    let res = discovery().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.json::<Value>().await.unwrap()["errorCode"], "E0000009");
    assert_eq!(discovery().await.unwrap().status(), StatusCode::OK);
    let entries = org.journal("?endpoint=discovery").await;
    let statuses: Vec<&Value> = entries.iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [&json!(200), &json!(500), &json!(200)]);
    assert!(entries.iter().all(|e| e["server"] == "default"));
}

#[tokio::test]
async fn advancing_the_clock_expires_codes_tokens_and_sessions() {
    let org = Org::start().await;
    let client = org.web_app().await;
    let (_, before) = org.json(Method::GET, "/__mock/clock", None).await;
    assert_eq!(before["offset_seconds"], 0);
    let code = org.code(&client).await;
    let (status, after) = org
        .json(
            Method::POST,
            "/__mock/clock",
            Some(json!({"advance_seconds": 301})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["offset_seconds"], 301);
    assert!(
        after["epoch_seconds"].as_i64().unwrap() >= before["epoch_seconds"].as_i64().unwrap() + 301
    );
    assert!(after["now"].as_str().unwrap().ends_with('Z'));
    let res = org.redeem(&client, &code).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        body["error_description"],
        "The authorization code is invalid or has expired."
    );
    // A fresh code within its five minutes still works on the moved clock.
    let code = org.code(&client).await;
    let tokens: Value = org.redeem(&client, &code).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let session = org.session_cookie().await;
    let userinfo = || {
        org.http
            .get(org.url("/oauth2/default/v1/userinfo"))
            .bearer_auth(&access)
            .send()
    };
    let me = || {
        org.http
            .get(org.url("/api/v1/sessions/me"))
            .header(header::COOKIE, &session)
            .send()
    };
    assert_eq!(userinfo().await.unwrap().status(), StatusCode::OK);
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    // Past the access token's hour and the session's two idle hours.
    org.okta.advance_clock(2 * 3600 + 1);
    assert_eq!(userinfo().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_ne!(me().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn rotating_keys_with_and_without_the_previous_key_changes_jwks() {
    let org = Org::start().await;
    let first = org.jwks_kids().await;
    assert_eq!(first.len(), 1);
    let (status, rotated) = org
        .json(
            Method::POST,
            "/__mock/keys/rotate",
            Some(json!({"keep_previous": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let kept = org.jwks_kids().await;
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[1], first[0], "the previous key stays published");
    assert_eq!(rotated["active"], kept[0].as_str());
    assert_eq!(rotated["keys"], json!(kept));

    // New tokens are signed with the new key.
    let client = org.web_app().await;
    let code = org.code(&client).await;
    let tokens: Value = org.redeem(&client, &code).await.json().await.unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            id_token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], kept[0].as_str());

    let (_, dropped) = org
        .json(
            Method::POST,
            "/__mock/keys/rotate",
            Some(json!({"keep_previous": false})),
        )
        .await;
    let now = org.jwks_kids().await;
    assert_eq!(now.len(), 1, "the previous key was dropped");
    assert!(!kept.contains(&now[0]));
    assert_eq!(dropped["keys"], json!(now));
}

#[tokio::test]
async fn the_journal_shows_a_code_flow_with_secrets_masked() {
    let org = Org::start().await;
    let client = org.web_app().await;
    let (s, _) = org.json(Method::DELETE, "/__mock/journal", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let code = org.code(&client).await;
    let res = org.redeem(&client, &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: Value = res.json().await.unwrap();
    assert_eq!(
        org.redeem(&client, &code).await.status(),
        StatusCode::BAD_REQUEST
    );

    let all = org.journal("").await;
    let endpoints: Vec<&str> = all
        .iter()
        .map(|e| e["endpoint"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(endpoints, ["authn", "authorize", "token", "token"]);
    let seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");

    let authorize = &all[1];
    assert_eq!(authorize["method"], "GET");
    assert_eq!(authorize["path"], "/oauth2/default/v1/authorize");
    assert_eq!(authorize["server"], "default");
    assert_eq!(authorize["client_id"], client.id.as_str());
    assert_eq!(authorize["credentials"], "none");
    assert_eq!(authorize["status"], 302);
    let q = &authorize["query"];
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"], CHALLENGE);
    assert_eq!(q["state"], "state-123");
    assert_eq!(q["nonce"], "nonce-456");
    assert!(q["sessionToken"].as_str().unwrap().contains("..."));

    let redeemed: Vec<&Value> = all
        .iter()
        .filter(|e| e["endpoint"] == "token" && e["form"]["code"] == mask(&code).as_str())
        .collect();
    assert_eq!(redeemed.len(), 2, "two attempts with the code");
    let first = redeemed[0];
    assert_eq!(first["credentials"], "basic");
    assert_eq!(first["client_id"], client.id.as_str());
    assert_eq!(first["form"]["grant_type"], "authorization_code");
    assert_eq!(first["form"]["code_verifier"], mask(VERIFIER).as_str());
    assert_eq!(first["status"], 200);
    assert_eq!(redeemed[1]["status"], 400, "the code is redeemed once");
    assert!(first["duration_ms"].is_u64());
    assert!(first["time"].as_str().unwrap().ends_with('Z'));

    // No secret appears anywhere, only prefixes and lengths.
    let text = serde_json::to_string(&all).unwrap();
    for secret in [
        code.as_str(),
        client.secret.as_str(),
        USER.1,
        VERIFIER,
        tokens["access_token"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "a secret leaked: {secret}");
    }

    // Filters: endpoint, path, method, since.
    assert_eq!(org.journal("?endpoint=token").await.len(), 2);
    assert_eq!(
        org.journal("?path=/oauth2/default/v1/authorize")
            .await
            .len(),
        1
    );
    assert_eq!(org.journal("?method=get").await.len(), 1);
    let since = all[2]["time"].as_str().unwrap();
    let recent = org
        .journal(&format!(
            "?since={}",
            url::form_urlencoded::byte_serialize(since.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(recent.len() >= 2 && recent.len() <= 4);
    let (s, err) = org
        .json(Method::GET, "/__mock/journal?endpoint=tokens", None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err["errorCode"], "E0000001");

    // The Rust handle reads the same journal.
    let entries = org
        .okta
        .journal(&JournalFilter::endpoint(Endpoint::Token))
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].credentials, "basic");
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let org = Org::start().await;
    let first_keys = org.jwks_kids().await;
    let (_, seeded) = org.json(Method::GET, "/api/v1/users", None).await;
    let client = org.web_app().await;
    let code = org.code(&client).await;
    let (status, _) = org
        .json(
            Method::POST,
            "/api/v1/users?activate=true",
            Some(json!({"profile": {"firstName": "Tess", "lastName": "Ter",
                        "email": "tess@example.com", "login": "tess@example.com"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let session = org.session_cookie().await;
    let me = |cookie: String| {
        org.http
            .get(org.url("/api/v1/sessions/me"))
            .header(header::COOKIE, cookie)
            .send()
    };
    assert_eq!(me(session.clone()).await.unwrap().status(), StatusCode::OK);
    let cookies = &org.journal("?path=/api/v1/sessions/me").await[0]["cookies"];
    let value = session.split_once('=').unwrap().1;
    assert_eq!(cookies["idx"], mask(value).as_str(), "cookies are masked");
    org.add_fault(json!({"endpoint": "userinfo", "status": 500}))
        .await;
    org.okta.advance_clock(3600);
    org.okta.rotate_keys(false).await.unwrap();
    assert_ne!(org.jwks_kids().await, first_keys);

    let (status, _) = org.json(Method::POST, "/__mock/reset", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(org.journal("").await.is_empty(), "the journal starts over");

    let (_, users) = org.json(Method::GET, "/api/v1/users", None).await;
    assert_eq!(users, seeded, "the seeded users, as they were");
    let (status, _) = org
        .json(Method::GET, "/api/v1/users/tess@example.com", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, apps) = org.json(Method::GET, "/api/v1/apps", None).await;
    assert!(
        apps.as_array()
            .unwrap()
            .iter()
            .all(|a| a["label"] != "Control App")
    );
    assert_ne!(
        me(session).await.unwrap().status(),
        StatusCode::OK,
        "sessions are gone"
    );
    assert!(org.okta.faults().list().is_empty());
    assert_eq!(org.okta.now().offset_seconds, 0);
    assert_eq!(org.jwks_kids().await, first_keys, "the first signing key");
    assert_eq!(
        org.redeem(&client, &code).await.status(),
        StatusCode::UNAUTHORIZED,
        "the app is gone"
    );
    // The discovery cache follows the restored scopes.
    let res = org
        .http
        .get(org.url("/oauth2/default/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn control_calls_need_the_api_token_and_answer_oktas_error_body() {
    let org = Org::start().await;
    let res = org
        .http
        .get(org.url("/__mock/faults"))
        .header(header::AUTHORIZATION, "SSWS wrong-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let text = res.text().await.unwrap();
    assert!(
        text.starts_with(r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae"#),
        "{text}"
    );
    assert!(text.ends_with(r#""errorCauses":[]}"#), "{text}");
    // Without any credentials, as the Management API: E0000005.
    let res = org
        .http
        .post(org.url("/__mock/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["errorCode"], "E0000005");
    // Bad bodies and unknown ids.
    let (s, err) = org
        .json(
            Method::POST,
            "/__mock/faults",
            Some(json!({"endpoint": "tokens", "status": 700, "times": 0})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err["errorCode"], "E0000001");
    assert_eq!(err["errorCauses"].as_array().unwrap().len(), 3, "{err}");
    let res = org
        .ssws(Method::POST, "/__mock/clock")
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["errorCode"], "E0000003");
    let (s, err) = org
        .json(Method::DELETE, "/__mock/faults/fltNope", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err["errorCode"], "E0000007");
    // Control requests are not journaled.
    assert!(org.journal("").await.is_empty());
}

/// Every operation of the OpenAPI document answers as documented, every method a path
/// does not document is refused, and paths it does not list are not served.
#[tokio::test]
async fn the_openapi_document_matches_what_is_served() {
    let org = Org::start().await;
    let res = org
        .http
        .get(org.url("/__mock/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "public: tools read it first");
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["servers"][0]["url"], org.url("/__mock").as_str());
    let paths = doc["paths"].as_object().unwrap();
    let served = [
        "/faults",
        "/faults/{id}",
        "/clock",
        "/keys/rotate",
        "/journal",
        "/reset",
        "/openapi.json",
    ];
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    documented.sort_unstable();
    let mut expected = served.to_vec();
    expected.sort_unstable();
    assert_eq!(documented, expected);

    let all_methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    for (path, item) in paths {
        for method in &all_methods {
            let name = method.as_str().to_lowercase();
            let concrete = path.replace("{id}", "fltNoSuchFault00000");
            let url = format!("/__mock{concrete}");
            let Some(op) = item.get(&name) else {
                let (s, err) = org.json(method.clone(), &url, None).await;
                assert_eq!(
                    s,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is not documented, so not served"
                );
                assert_eq!(err["errorCode"], "E0000022");
                continue;
            };
            let example = op["requestBody"]["content"]["application/json"]["example"].clone();
            let body = (!example.is_null()).then_some(example);
            let (s, answer) = org.json(method.clone(), &url, body).await;
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key(s.as_str()),
                "{method} {path} answered {s}, documented {:?}: {answer}",
                responses.keys().collect::<Vec<_>>()
            );
            if s == StatusCode::NO_CONTENT {
                assert_eq!(answer, Value::Null);
            } else {
                assert!(answer.is_object() || answer.is_array(), "{answer}");
            }
            if op.get("security") != Some(&json!([])) {
                assert!(responses.contains_key("401") && responses.contains_key("403"));
                let res = org
                    .http
                    .request(method.clone(), org.url(&url))
                    .header(header::AUTHORIZATION, "SSWS wrong")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            }
        }
    }
    for unknown in ["/__mock", "/__mock/", "/__mock/keys", "/__mock/faults/a/b"] {
        let (s, err) = org.json(Method::GET, unknown, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{unknown}");
        assert_eq!(err["errorCode"], "E0000007");
    }
}

#[tokio::test]
async fn the_rust_handle_calls_the_same_operations() {
    let org = Org::start().await;
    let okta = &org.okta;
    let fault = okta
        .faults()
        .add(FaultSpec::status(Endpoint::Userinfo, 503).times(1))
        .unwrap();
    let (_, listed) = org.json(Method::GET, "/__mock/faults", None).await;
    assert_eq!(listed[0]["id"], fault.id.as_str());
    let res = org
        .http
        .get(org.url("/oauth2/default/v1/userinfo"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(okta.faults().list().is_empty(), "used up");
    assert!(
        okta.faults()
            .add(FaultSpec::status(Endpoint::Token, 42))
            .is_err()
    );
    let f = okta
        .faults()
        .add(FaultSpec::close(Endpoint::Revoke))
        .unwrap();
    assert!(okta.faults().remove(&f.id));
    assert!(!okta.faults().remove(&f.id));

    let before = okta.now();
    let after = okta.advance_clock(90);
    assert_eq!(after.offset_seconds, 90);
    let (_, http) = org.json(Method::GET, "/__mock/clock", None).await;
    assert_eq!(http["offset_seconds"], 90);
    assert!(after.epoch_seconds >= before.epoch_seconds + 90);

    let keys = okta.rotate_keys(true).await.unwrap();
    assert_eq!(keys.keys.len(), 2);
    assert_eq!(org.jwks_kids().await, keys.keys);

    assert!(!okta.journal(&JournalFilter::default()).unwrap().is_empty());
    okta.clear_journal();
    assert!(okta.journal(&JournalFilter::default()).unwrap().is_empty());
    okta.reset();
    assert_eq!(okta.now().offset_seconds, 0);
    assert_eq!(org.jwks_kids().await.len(), 1);

    // A harness that sets the org up after start keeps that set-up across resets.
    let client = org.web_app().await;
    okta.keep_as_seed();
    okta.reset();
    let code = org.code(&client).await;
    assert_eq!(org.redeem(&client, &code).await.status(), StatusCode::OK);
}

/// `Date` and `Expires` both follow the server's clock, on the fast path and behind the
/// router, so a client's HTTP cache sees time pass as the server does.
#[tokio::test]
async fn http_dates_follow_the_server_clock() {
    let org = Org::start().await;
    org.okta.advance_clock(400 * 24 * 3600);
    let http_date = |secs: i64| {
        mock_okta::clock::http_date(time::OffsetDateTime::from_unix_timestamp(secs).unwrap())
    };
    for (path, origin) in [
        ("/oauth2/default/.well-known/openid-configuration", None),
        (
            "/oauth2/default/.well-known/openid-configuration",
            Some("https://elsewhere.example"),
        ),
        ("/oauth2/default/v1/keys", None),
    ] {
        let before = org.okta.now().epoch_seconds;
        let mut req = org.http.get(org.url(path));
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let res = req.send().await.unwrap();
        let after = org.okta.now().epoch_seconds;
        let date = header_str(&res, "date").to_owned();
        let expires = header_str(&res, "expires").to_owned();
        let t = (before..=after)
            .find(|s| http_date(*s) == date)
            .unwrap_or_else(|| panic!("{path}: Date {date} is not the server's now"));
        assert!(
            (t..=after).any(|s| http_date(s + 86_400) == expires),
            "{path}: Expires {expires} is a day after the server's now"
        );
    }
}

/// The README's `curl` lines, run as written (with `$OKTA`, `$AUTH` and `$JSON` filled in),
/// each answering 2xx.
#[tokio::test]
async fn the_readme_curl_session_works() {
    let org = Org::start().await;
    let readme = include_str!("../../README.md");
    let lines: Vec<&str> = readme.lines().filter(|l| l.starts_with("curl ")).collect();
    assert!(lines.len() >= 10, "the README shows the control session");
    for line in lines {
        let line = line
            .replace(
                "\"$AUTH\"",
                &format!("'Authorization: SSWS {DEFAULT_API_TOKEN}'"),
            )
            .replace("\"$JSON\"", "'Content-Type: application/json'");
        let mut method = Method::GET;
        let mut headers = Vec::new();
        let mut url = None;
        let mut body = None;
        let mut rest = line.trim_start_matches("curl -s ").trim();
        while !rest.is_empty() {
            let (word, tail) = if let Some(t) = rest.strip_prefix('\'') {
                let end = t.find('\'').expect("closing quote");
                (&t[..end], &t[end + 1..])
            } else if let Some(t) = rest.strip_prefix('"') {
                let end = t.find('"').expect("closing quote");
                (&t[..end], &t[end + 1..])
            } else {
                rest.split_at(rest.find(' ').unwrap_or(rest.len()))
            };
            rest = tail.trim_start();
            match word {
                "-H" | "-X" | "-d" => {
                    let (value, tail) = match rest.strip_prefix('\'') {
                        Some(t) => {
                            let end = t.find('\'').expect("closing quote");
                            (&t[..end], &t[end + 1..])
                        }
                        None => rest.split_at(rest.find(' ').unwrap_or(rest.len())),
                    };
                    rest = tail.trim_start();
                    match word {
                        "-H" => headers.push(value.to_owned()),
                        "-X" => method = Method::from_bytes(value.as_bytes()).unwrap(),
                        _ => body = Some(value.to_owned()),
                    }
                }
                w if w.starts_with("$OKTA") => {
                    url = Some(org.url(w.trim_start_matches("$OKTA")));
                }
                other => panic!("unexpected word {other:?} in {line}"),
            }
        }
        let mut req = org.http.request(method, url.expect("a URL"));
        for h in headers {
            let (k, v) = h.split_once(": ").expect("header");
            req = req.header(k, v);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{line}: {status} {text}");
    }
}
