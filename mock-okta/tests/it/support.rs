//! The test-support layer every test file uses: start the server, send a request and read
//! its whole answer ([`Reply`]), check Okta's error bodies, make apps, walk the hosted
//! sign-in page.

#![allow(dead_code)]

use std::future::Future;

use mock_okta::{Config, MockOkta, config::DEFAULT_API_TOKEN};
use reqwest::{Method, StatusCode, header, header::HeaderMap};
use serde_json::{Value, json};

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
pub const REDIRECT: &str = "https://app.example.test/callback";
pub const LOGOUT_REDIRECT: &str = "https://app.example.test/signed-out";

/// A PEM key made once per test process: generation is the slow part of start-up.
pub fn signing_key_file() -> &'static std::path::Path {
    use std::sync::OnceLock;
    static FILE: OnceLock<tempfile::TempPath> = OnceLock::new();
    FILE.get_or_init(|| {
        let pem = mock_okta::keys::SigningKey::generate_pem().expect("test key");
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, pem.as_bytes()).expect("write key");
        f.into_temp_path()
    })
}

/// A client's own RSA key for `private_key_jwt`: the private key as a jsonwebtoken
/// `EncodingKey` and the public half as a JWK with `kid`.
pub struct ClientKey {
    pub signing: jsonwebtoken::EncodingKey,
    pub jwk: Value,
}

impl ClientKey {
    pub fn rsa(kid: &str) -> Self {
        let pem = mock_okta::keys::SigningKey::generate_pem().expect("client key");
        let public = mock_okta::keys::SigningKey::from_pem(&pem)
            .expect("client key")
            .jwk();
        Self {
            signing: jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("pem"),
            jwk: json!({"kty": "RSA", "kid": kid, "e": public.e, "n": public.n}),
        }
    }

    /// A one-time RS256 client assertion for `client_id` at `endpoint`.
    pub fn assertion(&self, client_id: &str, endpoint: &str) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = self.jwk["kid"].as_str().map(str::to_owned);
        jsonwebtoken::encode(
            &header,
            &json!({"iss": client_id, "sub": client_id, "aud": endpoint, "iat": now,
                    "exp": now + 300, "jti": mock_okta::ids::request_id()}),
            &self.signing,
        )
        .expect("assertion")
    }
}

// ---- Answers ----

/// An answer read whole: status, headers, the body as text and as JSON (`Null` when the
/// body is not JSON; a body labelled JSON that does not parse fails the test), so a test
/// checks any of them without a chain of awaits.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// The JSON body's keys, in the order sent.
    pub fn keys(&self) -> Vec<&str> {
        keys(&self.json)
    }

    /// Every `link` header.
    pub fn links(&self) -> Vec<String> {
        self.headers
            .get_all("link")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// A header as text (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts an Okta error body with this status and code, in Okta's key order and
    /// content type; returns the summary.
    pub fn assert_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.json["errorCode"], code, "{}", self.text);
        assert_eq!(self.json["errorLink"], code);
        let id = self.json["errorId"].as_str().unwrap_or_default();
        assert!(id.starts_with("oae") && id.len() == 25, "errorId {id}");
        assert_eq!(
            self.keys(),
            [
                "errorCode",
                "errorSummary",
                "errorLink",
                "errorId",
                "errorCauses"
            ]
        );
        assert_eq!(
            self.headers["content-type"], "application/json",
            "error content type"
        );
        self.json["errorSummary"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An OAuth error body's status, `error` and `error_description`, after checking that
    /// the body is JSON.
    pub fn oauth_error(&self) -> (StatusCode, String, String) {
        assert!(self.json.is_object(), "a JSON error body: {}", self.text);
        let field = |k: &str| self.json[k].as_str().unwrap_or_default().to_owned();
        (self.status, field("error"), field("error_description"))
    }
}

/// The keys of a JSON object, in order.
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Sends a request and reads its whole answer.
async fn send(req: reqwest::RequestBuilder) -> Reply {
    let res = req.send().await.expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    let says_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    assert!(
        !says_json || !json.is_null() || text.trim() == "null",
        "a body sent as JSON must parse: {text}"
    );
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// `.reply()` ends a request builder chain: it sends the request and reads the whole
/// answer into a [`Reply`].
pub trait ReplyExt {
    fn reply(self) -> impl Future<Output = Reply>;
}

impl ReplyExt for reqwest::RequestBuilder {
    fn reply(self) -> impl Future<Output = Reply> {
        send(self)
    }
}

/// A Management API call with the default SSWS token and an optional JSON body.
pub async fn call(h: &Harness, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut req = h.api(method, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.reply().await
}

/// A Management API `GET`.
pub async fn get(h: &Harness, path: &str) -> Reply {
    call(h, Method::GET, path, None).await
}

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

pub struct Harness {
    pub okta: MockOkta,
    pub base: String,
    /// Redirects off, cookies on: a browser that shows each hop.
    pub http: reqwest::Client,
}

pub fn browser() -> reqwest::Client {
    server_kit::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("client")
}

impl Harness {
    pub async fn start() -> Self {
        let mut config = Config::for_tests();
        config.signing_key = Some(signing_key_file().to_path_buf());
        Self::with_config(config).await
    }

    pub async fn with_config(config: Config) -> Self {
        let okta = MockOkta::start(config).await.expect("mock-okta starts");
        let base = okta.base_url().to_owned();
        Self {
            okta,
            base,
            http: browser(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn issuer(&self) -> String {
        self.okta.issuer()
    }

    /// A Management API request with the default SSWS token.
    pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header(header::AUTHORIZATION, format!("SSWS {DEFAULT_API_TOKEN}"))
            .header(header::ACCEPT, "application/json")
    }

    /// Adds a custom scope to the default authorization server through the Management API.
    pub async fn add_scope(&self, scope: Value) {
        let res = self
            .api(
                reqwest::Method::POST,
                "/api/v1/authorizationServers/default/scopes",
            )
            .json(&scope)
            .reply()
            .await;
        assert!(res.status.is_success(), "create scope: {}", res.status);
    }

    /// Creates an OIDC app through the Management API and assigns it to Everyone.
    pub async fn create_app(&self, settings: Value, credentials: Value) -> App {
        let body = json!({
            "name": "oidc_client", "label": "Test App", "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": credentials},
            "settings": {"oauthClient": settings}
        });
        let res = self
            .api(reqwest::Method::POST, "/api/v1/apps")
            .json(&body)
            .reply()
            .await;
        assert_eq!(res.status, StatusCode::OK, "create app");
        let app: Value = res.json;
        let groups: Value = self
            .api(reqwest::Method::GET, "/api/v1/groups?q=Everyone")
            .reply()
            .await
            .json;
        let everyone = groups[0]["id"].as_str().expect("everyone id").to_owned();
        let id = app["id"].as_str().expect("app id").to_owned();
        let res = self
            .api(
                reqwest::Method::PUT,
                &format!("/api/v1/apps/{id}/groups/{everyone}"),
            )
            .json(&json!({}))
            .reply()
            .await;
        assert_eq!(res.status, StatusCode::OK, "assign Everyone");
        App {
            id,
            client_id: app["credentials"]["oauthClient"]["client_id"]
                .as_str()
                .expect("client_id")
                .to_owned(),
            client_secret: app["credentials"]["oauthClient"]["client_secret"]
                .as_str()
                .map(str::to_owned),
            json: app,
        }
    }

    /// The guide's web app: authorization code, optionally refresh tokens.
    pub async fn web_app(&self, grants: &[&str]) -> App {
        self.create_app(
            json!({"application_type": "web", "redirect_uris": [REDIRECT],
                   "post_logout_redirect_uris": [LOGOUT_REDIRECT],
                   "grant_types": grants, "response_types": ["code"]}),
            json!({"token_endpoint_auth_method": "client_secret_basic"}),
        )
        .await
    }

    /// A web app for the code flow, implicit and hybrid responses, authenticating at the token
    /// endpoint with `auth_method` (client_secret_basic or client_secret_post).
    pub async fn hybrid_app(&self, auth_method: &str) -> App {
        self.create_app(
            json!({"application_type": "web", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code", "implicit"],
                   "response_types": ["code", "token", "id_token"]}),
            json!({"token_endpoint_auth_method": auth_method}),
        )
        .await
    }
}

#[derive(Debug, Clone)]
pub struct App {
    pub id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub json: Value,
}

/// The `Location` header (empty when absent).
pub fn location(res: &Reply) -> String {
    res.header(header::LOCATION.as_str()).to_owned()
}

/// The value of a hidden input in an HTML page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Query (or fragment) parameters of a URL.
pub fn params(url: &str) -> std::collections::HashMap<String, String> {
    let parsed = url::Url::parse(url).expect("absolute URL");
    let mut out: std::collections::HashMap<String, String> =
        parsed.query_pairs().into_owned().collect();
    if let Some(f) = parsed.fragment() {
        out.extend(url::form_urlencoded::parse(f.as_bytes()).into_owned());
    }
    out
}

/// On the hosted sign-in page at `url`: the identify step, then the password step, as a
/// person would, checking each page; returns the answer that signs in (a redirect).
pub async fn sign_in_on_page(
    b: &reqwest::Client,
    h: &Harness,
    url: &str,
    login: &str,
    password: &str,
) -> Reply {
    let page = b.get(url).reply().await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text;
    assert!(
        html.contains(">Username</label>") && html.contains("value=\"Next\""),
        "identify step"
    );
    let state_token = hidden(&html, "stateToken").expect("stateToken");
    let html = b
        .post(h.url("/idp/idx/identify"))
        .form(&[("stateToken", state_token.as_str()), ("identifier", login)])
        .reply()
        .await
        .text;
    assert!(
        html.contains(">Password</label>") && html.contains("value=\"Verify\""),
        "password step: {html}"
    );
    let res = b
        .post(h.url("/idp/idx/challenge/answer"))
        .form(&[
            ("stateToken", state_token.as_str()),
            ("credentials.passcode", password),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "signed in as {login}");
    res
}

/// Follows an authorize URL through the hosted sign-in page as a person would, checking
/// each hop, and returns the final redirect to the client.
pub async fn sign_in_through_page(
    h: &Harness,
    authorize_url: &str,
    login: &str,
    password: &str,
) -> String {
    let res = h.http.get(authorize_url).reply().await;
    assert_eq!(
        res.status,
        StatusCode::FOUND,
        "authorize without a session redirects to sign-in"
    );
    let signin = location(&res);
    assert!(
        signin.starts_with(&h.url("/login/login.htm?fromURI=")),
        "{signin}"
    );
    let back = location(&sign_in_on_page(&h.http, h, &signin, login, password).await);
    assert!(back.starts_with("/oauth2/"), "returns to fromURI: {back}");
    let res = h.http.get(h.url(&back)).reply().await;
    assert_eq!(res.status, StatusCode::FOUND);
    location(&res)
}

/// An authorize URL for the default server; `extra` adds or replaces parameters.
pub fn authorize_url(h: &Harness, client_id: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "state-123"),
        ("nonce", "nonce-123"),
    ];
    for (k, v) in extra {
        match pairs.iter_mut().find(|(pk, _)| pk == k) {
            Some(slot) => slot.1 = v,
            None => pairs.push((k, v)),
        }
    }
    let mut url = url::Url::parse(&h.url("/oauth2/default/v1/authorize")).expect("url");
    url.query_pairs_mut().extend_pairs(pairs);
    url.to_string()
}

/// A one-time session token for a user, from `/api/v1/authn`.
pub async fn session_token(h: &Harness, login: &str, password: &str) -> String {
    let res = h
        .http
        .post(h.url("/api/v1/authn"))
        .json(&json!({"username": login, "password": password}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let v: Value = res.json;
    v["sessionToken"].as_str().expect("sessionToken").to_owned()
}

/// The code flow for the seeded user at `server` (`/oauth2/default`, or `/oauth2` for the org
/// server) with `scope`, the code redeemed with client_secret_basic; the token endpoint's
/// answer.
pub async fn code_flow(h: &Harness, app: &App, scope: &str, server: &str) -> Reply {
    let token = session_token(h, USER.0, USER.1).await;
    let url = authorize_url(
        h,
        &app.client_id,
        &[("sessionToken", &token), ("scope", scope)],
    )
    .replace("/oauth2/default/v1/", &format!("{server}/v1/"));
    let res = h.http.get(&url).reply().await;
    let code = params(&location(&res))["code"].clone();
    h.http
        .post(h.url(&format!("{server}/v1/token")))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .reply()
        .await
}

/// Exchanges a code at the token endpoint with client_secret_basic.
pub async fn exchange(h: &Harness, app: &App, code: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    form.extend_from_slice(extra);
    h.http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&form)
        .reply()
        .await
}

pub fn jwt_parts(jwt: &str) -> (Value, Value) {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut it = jwt.split('.');
    let h = URL_SAFE_NO_PAD
        .decode(it.next().expect("header"))
        .expect("b64");
    let p = URL_SAFE_NO_PAD
        .decode(it.next().expect("payload"))
        .expect("b64");
    (
        serde_json::from_slice(&h).expect("json"),
        serde_json::from_slice(&p).expect("json"),
    )
}

/// The raw JSON text of a JWT part, to check key order.
pub fn jwt_raw(jwt: &str, part: usize) -> String {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let seg = jwt.split('.').nth(part).expect("part");
    String::from_utf8(URL_SAFE_NO_PAD.decode(seg).expect("b64")).expect("utf8")
}

/// Opens an org page that needs an Okta session in a fresh browser, signs in through the
/// hosted page as a person would, and returns the browser and where sign-in sent it back
/// to (the page's path, by `fromURI`).
pub async fn sign_in_at(
    h: &Harness,
    path: &str,
    login: &str,
    password: &str,
) -> (reqwest::Client, String) {
    let b = browser();
    let res = b.get(h.url(path)).reply().await;
    assert_eq!(res.status, StatusCode::FOUND, "{path} needs a session");
    let from: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    assert_eq!(
        location(&res),
        format!("{}?fromURI={from}", h.url("/login/login.htm")),
        "sign-in comes back to {path}"
    );
    let back = location(&sign_in_on_page(&b, h, &location(&res), login, password).await);
    (b, back)
}

/// The text of the first element carrying `data-se="{se}"` (tags inside it removed).
pub fn data_se(html: &str, se: &str) -> Option<String> {
    let marker = format!("data-se=\"{se}\"");
    let at = html.find(&marker)?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find("</")?;
    Some(html[start..end].trim().to_owned())
}
