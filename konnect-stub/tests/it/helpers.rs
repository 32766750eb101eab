//! Shared set-up: the stub, an HTTP client that shows every hop, and a wiremock identity
//! provider that signs ID tokens with committed test keys.

use std::{
    sync::OnceLock,
    time::{SystemTime, UNIX_EPOCH},
};

use jsonwebtoken::{
    Algorithm, EncodingKey, Header,
    jwk::{Jwk, JwkSet, PublicKeyUse},
};
use konnect_stub::{Config, KonnectStub};
use reqwest::{Client, RequestBuilder, Response, StatusCode, header};
use serde_json::{Value, json};
use url::Url;
use wiremock::{
    Mock, MockGuard, MockServer, ResponseTemplate,
    matchers::{method, path},
};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";
pub const MEMBER_EMAIL: &str = "user@example.com";
pub const MEMBER_PASSWORD: &str = "User-Passw0rd!";
/// Any kpat_ token is the admin's unless --admin-token is set.
pub const ADMIN_PAT: &str = "kpat_test_admin_token";
pub const CLIENT_ID: &str = "0oa-test-client";
pub const CLIENT_SECRET: &str = "test-client-secret";
pub const AUTHZ_PATH: &str = "/oauth2/default";

/// A client that neither follows redirects (each hop is asserted) nor forgets cookies.
pub fn browser() -> Client {
    server_kit::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub async fn start_stub(config: Config) -> KonnectStub {
    KonnectStub::start(config).await.unwrap()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("no Location on a {} answer", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// All `Set-Cookie` values of a response.
pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Asserts that a response opens no Konnect session (sets no `konnectaccesstoken`).
pub fn assert_no_session_cookie(response: &Response) {
    let cookies = set_cookies(response);
    assert!(
        cookies
            .iter()
            .all(|c| !c.starts_with("konnectaccesstoken=")),
        "{cookies:?}"
    );
}

/// Asserts that a response clears the state cookie.
pub fn assert_state_cookie_cleared(response: &Response) {
    let cookies = set_cookies(response);
    assert!(
        cookies.iter().any(|c| c.starts_with("kauth_oidc_state=;")
            || c.starts_with("kauth_oidc_state=") && c.contains("Max-Age=0")),
        "state cookie not cleared: {cookies:?}"
    );
}

/// The value of the `kauth_oidc_state` cookie a response sets, if it sets one with a value.
pub fn state_cookie(response: &Response) -> Option<String> {
    set_cookies(response).into_iter().find_map(|c| {
        let value = c.strip_prefix("kauth_oidc_state=")?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_owned())
    })
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An API answer: status, content type and JSON body (`Null` when the body is not JSON).
pub type ApiReply = (StatusCode, String, Value);

/// Sends an API request and reads the whole answer.
pub async fn send(request: RequestBuilder) -> ApiReply {
    send_reply(request.send().await.unwrap()).await
}

/// Reads the whole answer of an API request already sent.
pub async fn send_reply(response: Response) -> ApiReply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

/// Asserts a Konnect problem+json answer with `status` and `title`.
pub fn assert_problem(got: &ApiReply, status: u16, title: &str) {
    let (code, content_type, body) = got;
    assert_eq!(code.as_u16(), status, "{body}");
    assert!(
        content_type.starts_with("application/problem+json"),
        "{content_type}"
    );
    assert_eq!(body["status"], status);
    assert_eq!(body["title"], title);
    assert!(
        body["instance"]
            .as_str()
            .unwrap()
            .starts_with("konnect:trace:"),
        "{body}"
    );
}

/// Sends `request`, asserts a 200 and returns the body as text (a page).
pub async fn text_ok(request: RequestBuilder) -> String {
    text_with(StatusCode::OK, request).await
}

/// Sends `request`, asserts the answer's status and returns the body as text.
pub async fn text_with(status: StatusCode, request: RequestBuilder) -> String {
    let response = request.send().await.unwrap();
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    text
}

/// Sends `request`, asserts a 200 and returns the JSON body.
pub async fn json_ok(request: RequestBuilder) -> Value {
    serde_json::from_str(&text_ok(request).await).unwrap()
}

/// Sends `head` and then `body` on a fresh connection and returns the whole answer (status
/// line, headers, body) as text. The connection stays open for writing, so a body shorter
/// than its Content-Length is waited for until the server gives up on it.
pub async fn raw_exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        // Until the body is complete (the answer has Content-Length) or the server closes.
        loop {
            let n = stream.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head.lines().find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                });
                if length.is_some_and(|n| body.len() >= n) {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), read)
        .await
        .expect("an answer");
    String::from_utf8_lossy(&answer).into_owned()
}

/// Logs in with email and password through Konnect's JSON endpoint.
pub async fn basic_login(http: &Client, base: &str, email: &str, password: &str) -> Response {
    http.post(format!("{base}/kauth/api/v1/authenticate"))
        .json(&json!({"username": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Asserts that the browser has no Konnect session: the home page sends it to log in.
pub async fn assert_no_session(http: &Client, base: &str) {
    let home = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER, "a session exists");
    assert_eq!(location(&home), "/login");
}

/// The signed-in user's email, from the v2 API with the browser session.
pub async fn session_email(http: &Client, base: &str) -> String {
    json_ok(http.get(format!("{base}/v2/users/me"))).await["email"]
        .as_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// The wiremock identity provider.

#[derive(Clone, Copy, Debug)]
pub enum Key {
    One,
    Two,
}

struct Keys {
    one: EncodingKey,
    two: EncodingKey,
}

/// Parsed once per test process.
fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        one: EncodingKey::from_rsa_pem(include_bytes!("keys/test-key-1.pem")).unwrap(),
        two: EncodingKey::from_rsa_pem(include_bytes!("keys/test-key-2.pem")).unwrap(),
    })
}

fn encoding_key(key: Key) -> &'static EncodingKey {
    match key {
        Key::One => &keys().one,
        Key::Two => &keys().two,
    }
}

pub fn kid(key: Key) -> &'static str {
    match key {
        Key::One => "kid-one",
        Key::Two => "kid-two",
    }
}

pub fn jwk(key: Key) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(encoding_key(key), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid(key).to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk
}

pub fn jwks(keys: &[Key]) -> Value {
    serde_json::to_value(JwkSet {
        keys: keys.iter().map(|k| jwk(*k)).collect(),
    })
    .unwrap()
}

/// Signs `claims` with `key`, naming `kid` in the header.
pub fn sign(key: Key, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, encoding_key(key)).unwrap()
}

/// An identity provider on wiremock: discovery and JWKS (key one) are mounted; the token
/// endpoint is mounted per sign-in, once the nonce is known.
pub struct TestIdp {
    pub server: MockServer,
    pub issuer: String,
}

impl TestIdp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the discovery document changed by `edit`.
    pub async fn start_with(edit: impl FnOnce(&mut Value)) -> Self {
        let server = MockServer::start().await;
        let issuer = format!("{}{AUTHZ_PATH}", server.uri());
        let mut doc = Self::discovery(&issuer);
        edit(&mut doc);
        Mock::given(method("GET"))
            .and(path(format!(
                "{AUTHZ_PATH}/.well-known/openid-configuration"
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(doc))
            .named("discovery")
            .mount(&server)
            .await;
        let idp = Self { server, issuer };
        idp.mount_jwks(&[Key::One]).await;
        idp
    }

    pub fn discovery(issuer: &str) -> Value {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/v1/authorize"),
            "token_endpoint": format!("{issuer}/v1/token"),
            "userinfo_endpoint": format!("{issuer}/v1/userinfo"),
            "jwks_uri": format!("{issuer}/v1/keys"),
            "response_types_supported": ["code", "id_token", "code id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        })
    }

    pub fn token_path() -> String {
        format!("{AUTHZ_PATH}/v1/token")
    }

    pub fn jwks_path() -> String {
        format!("{AUTHZ_PATH}/v1/keys")
    }

    pub async fn mount_jwks(&self, keys: &[Key]) {
        Mock::given(method("GET"))
            .and(path(Self::jwks_path()))
            .respond_with(ResponseTemplate::new(200).set_body_json(jwks(keys)))
            .named("jwks")
            .mount(&self.server)
            .await;
    }

    /// Okta-shaped ID-token claims for `nonce`, with `email_verified` (as providers that put
    /// every claim in the ID token send it).
    pub fn claims(&self, nonce: &str) -> Value {
        let now = now();
        json!({
            "sub": "00u-sam", "name": "Sam Sso", "email": "sam@example.com",
            "email_verified": true, "ver": 1,
            "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 3600,
            "jti": "ID.test", "amr": ["pwd"], "nonce": nonce,
            "preferred_username": "sam@example.com", "auth_time": now,
        })
    }

    /// An ID token with the default claims for `nonce`, signed with key one.
    pub fn id_token(&self, nonce: &str) -> String {
        sign(Key::One, Some(kid(Key::One)), &self.claims(nonce))
    }

    /// A token response carrying `id_token`.
    pub fn token_response(id_token: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": "access-token-1",
            "scope": "openid email profile", "id_token": id_token,
        }))
    }

    pub async fn mount_token(&self, response: ResponseTemplate) -> MockGuard {
        Mock::given(method("POST"))
            .and(path(Self::token_path()))
            .respond_with(response)
            .named("token")
            .mount_as_scoped(&self.server)
            .await
    }
}

// ---------------------------------------------------------------------------------------------
// The SSO scenario: a stub whose organization uses the wiremock provider.

/// What the stub sent the browser to the provider with.
#[derive(Debug)]
pub struct Attempt {
    pub authorize: Url,
    pub state: String,
    pub nonce: String,
    /// The value of the state cookie the browser got (it binds the attempt to the browser).
    pub cookie: String,
}

impl Attempt {
    pub fn param(&self, name: &str) -> Option<String> {
        self.authorize
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

pub struct Sso {
    pub stub: KonnectStub,
    pub idp: TestIdp,
    pub http: Client,
    pub login_path: String,
}

impl Sso {
    pub async fn start() -> Self {
        Self::start_with(Config::for_tests(), TestIdp::start().await).await
    }

    /// Configures SSO through the v2 API, as an admin would.
    pub async fn start_with(config: Config, idp: TestIdp) -> Self {
        let stub = start_stub(config).await;
        let http = browser();
        configure_sso(&http, stub.base_url(), &idp.issuer, CLIENT_SECRET).await;
        Self {
            stub,
            idp,
            http,
            login_path: "acme-co".to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        self.stub.base_url()
    }

    /// Opens the login URL and checks the redirect to the provider.
    pub async fn begin(&self) -> Attempt {
        let response = self
            .http
            .get(format!("{}/login/{}", self.base(), self.login_path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = state_cookie(&response).expect("a state cookie");
        let authorize = Url::parse(&location(&response)).unwrap();
        assert!(
            authorize
                .as_str()
                .starts_with(&format!("{}/v1/authorize?", self.idp.issuer)),
            "{authorize}"
        );
        let mut attempt = Attempt {
            authorize,
            state: String::new(),
            nonce: String::new(),
            cookie,
        };
        attempt.state = attempt.param("state").unwrap();
        attempt.nonce = attempt.param("nonce").unwrap();
        attempt
    }

    /// The provider's redirect back to the stub, with the given query.
    pub async fn callback(&self, query: &[(&str, &str)]) -> Response {
        let mut url = Url::parse(&format!("{}/login", self.base())).unwrap();
        url.query_pairs_mut().extend_pairs(query);
        self.http.get(url).send().await.unwrap()
    }

    /// A whole sign-in whose token endpoint answers `respond(attempt)`.
    pub async fn login_with(&self, respond: impl FnOnce(&Attempt) -> ResponseTemplate) -> Response {
        let attempt = self.begin().await;
        let _token = self.idp.mount_token(respond(&attempt)).await;
        self.callback(&[("code", "code-1"), ("state", &attempt.state)])
            .await
    }

    /// A sign-in whose ID token has the default claims changed by `edit`, signed with `key`.
    pub async fn login_with_claims(&self, key: Key, edit: impl FnOnce(&mut Value)) -> Response {
        let idp_claims = |a: &Attempt| {
            let mut c = self.idp.claims(&a.nonce);
            edit(&mut c);
            c
        };
        self.login_with(|a| TestIdp::token_response(&sign(key, Some(kid(key)), &idp_claims(a))))
            .await
    }

    pub async fn assert_no_session(&self) {
        assert_no_session(&self.http, self.base()).await;
    }
}

/// PATCHes the identity provider and turns OIDC on with the admin's token.
pub async fn configure_sso(http: &Client, base: &str, issuer: &str, secret: &str) {
    let idp = http
        .patch(format!("{base}/v2/identity-provider"))
        .bearer_auth(ADMIN_PAT)
        .json(&json!({"issuer": issuer, "client_id": CLIENT_ID, "client_secret": secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        idp.status(),
        StatusCode::OK,
        "{}",
        idp.text().await.unwrap()
    );
    let settings = http
        .patch(format!("{base}/v2/authentication-settings"))
        .bearer_auth(ADMIN_PAT)
        .json(&json!({"oidc_auth_enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::OK);
}

/// Asserts a refused SSO login: `status`, no session cookie, and a page saying `why`.
pub async fn assert_refused(response: Response, status: StatusCode, why: &[&str]) {
    assert_eq!(response.status(), status);
    assert_no_session_cookie(&response);
    let message = error_message(&response.text().await.unwrap());
    for text in why {
        assert!(message.contains(text), "{message:?} does not say {text:?}");
    }
}

/// The error page's message (the text of `data-testid="error-message"`).
pub fn error_message(html: &str) -> String {
    let start = html
        .find("data-testid=\"error-message\">")
        .unwrap_or_else(|| panic!("not an error page: {html}"))
        + "data-testid=\"error-message\">".len();
    let end = html[start..].find("</p>").unwrap() + start;
    html[start..end]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}
