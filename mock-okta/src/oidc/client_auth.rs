//! Client authentication at the token, introspect and revoke endpoints:
//! `client_secret_basic`, `client_secret_post`, `client_secret_jwt`, `private_key_jwt`, and
//! `none` for public clients.

use base64::{Engine as _, engine::general_purpose::STANDARD};

use super::{
    client_assertion::{Assertion, AssertionContext, JWT_BEARER},
    error::OAuthError,
};
use crate::{
    directory::{App, AppStatus, Directory, TokenAuthMethod},
    params::first as param,
};

const BAD_CLIENT: &str =
    "Client authentication failed. Either the client or the client credentials are invalid.";

/// How the client presented itself.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Presented {
    Basic { id: String, secret: String },
    Post { id: String, secret: String },
    Public { id: String },
}

fn multiple_credentials() -> OAuthError {
    OAuthError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "invalid_request",
        "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
    )
}

/// `client_assertion` in the body: the app named by the assertion, if it is configured for
/// `client_secret_jwt` or `private_key_jwt` and the assertion checks out.
fn by_assertion(
    dir: &Directory,
    jwt: &str,
    form: &[(String, String)],
    ctx: &AssertionContext<'_>,
) -> Result<App, OAuthError> {
    if param(form, "client_assertion_type") != Some(JWT_BEARER) {
        return Err(OAuthError::invalid_client(
            "The client_assertion_type is invalid.",
        ));
    }
    let assertion = Assertion::parse(jwt)?;
    let id = assertion.client_id()?;
    if param(form, "client_id").is_some_and(|body| body != id) {
        return Err(OAuthError::invalid_client(
            "The client_id does not match the client_assertion token's 'sub' claim.",
        ));
    }
    let app = dir
        .app_by_client_id(id)
        .filter(|a| a.status == AppStatus::Active)
        .ok_or_else(|| OAuthError::invalid_client("Invalid value for 'client_id' parameter."))?;
    match app.credentials.token_endpoint_auth_method {
        TokenAuthMethod::ClientSecretJwt | TokenAuthMethod::PrivateKeyJwt => {
            assertion.verify(&app, ctx)?;
        }
        _ => return Err(OAuthError::invalid_client(BAD_CLIENT)),
    }
    Ok(app)
}

fn basic_challenge(e: OAuthError) -> OAuthError {
    e.with_www_authenticate("Basic realm=\"Okta\"".to_owned())
}

fn parse_basic(value: &str) -> Option<(String, String)> {
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 2.3.1: both parts are form-urlencoded before being joined.
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// Authenticates the client of a back-channel request and returns its app.
pub fn authenticate(
    dir: &Directory,
    authorization: Option<&str>,
    form: &[(String, String)],
    query: &[(String, String)],
    ctx: &AssertionContext<'_>,
) -> Result<App, OAuthError> {
    if param(query, "client_secret").is_some() || param(query, "client_assertion").is_some() {
        return Err(OAuthError::invalid_request(
            "Client credentials should not be sent in the query string.",
        ));
    }
    if let Some(jwt) = param(form, "client_assertion") {
        if authorization.is_some() || param(form, "client_secret").is_some() {
            return Err(multiple_credentials());
        }
        return by_assertion(dir, jwt, form, ctx);
    }
    let body_id = param(form, "client_id");
    let body_secret = param(form, "client_secret");
    let presented = match authorization {
        Some(h) => {
            let Some((id, secret)) = parse_basic(h) else {
                return Err(basic_challenge(OAuthError::invalid_client(
                    "Found Authentication header but was not valid client credentials.",
                )));
            };
            if body_secret.is_some() || body_id.is_some_and(|b| b != id) {
                return Err(multiple_credentials());
            }
            Presented::Basic { id, secret }
        }
        None => match (body_id, body_secret) {
            (Some(id), Some(secret)) => Presented::Post {
                id: id.to_owned(),
                secret: secret.to_owned(),
            },
            (Some(id), None) => Presented::Public { id: id.to_owned() },
            (None, _) => return Err(OAuthError::invalid_client("No client credentials found.")),
        },
    };
    let (id, secret, method) = match &presented {
        Presented::Basic { id, secret } => (id, Some(secret), TokenAuthMethod::ClientSecretBasic),
        Presented::Post { id, secret } => (id, Some(secret), TokenAuthMethod::ClientSecretPost),
        Presented::Public { id } => (id, None, TokenAuthMethod::None),
    };
    let wrap = |e: OAuthError| {
        if method == TokenAuthMethod::ClientSecretBasic {
            basic_challenge(e)
        } else {
            e
        }
    };
    let app = dir
        .app_by_client_id(id)
        .filter(|a| a.status == AppStatus::Active)
        .ok_or_else(|| {
            wrap(OAuthError::invalid_client(
                "Invalid value for 'client_id' parameter.",
            ))
        })?;
    let configured = app.credentials.token_endpoint_auth_method;
    let secrets = &app.credentials.secrets;
    match secret {
        // Every active secret is accepted (Okta's rotation keeps two for a while).
        Some(given) if !secrets.is_empty() => {
            if configured != method {
                return Err(wrap(OAuthError::invalid_client(BAD_CLIENT)));
            }
            if !secrets.accepts(given) {
                return Err(wrap(OAuthError::invalid_client(
                    "The client secret supplied for a confidential client is invalid.",
                )));
            }
        }
        None if secrets.is_empty() && configured == TokenAuthMethod::None => {}
        _ => return Err(wrap(OAuthError::invalid_client(BAD_CLIENT))),
    }
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::AppInput};
    use serde_json::json;

    fn app(dir: &Directory, method: &str, app_type: &str) -> App {
        let input: AppInput = serde_json::from_value(json!({"name": "oidc_client", "label": "A",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": method}},
            "settings": {"oauthClient": {"application_type": app_type, "redirect_uris": ["https://a/cb"]}}}))
        .unwrap();
        dir.create_app(input, true).unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const TOKEN_URL: &str = "https://dev-1.okta.com/oauth2/default/v1/token";

    fn auth(
        dir: &Directory,
        authorization: Option<&str>,
        form: &[(String, String)],
        query: &[(String, String)],
    ) -> Result<App, OAuthError> {
        let ledger = crate::ledger::Ledger::new(Clock::default());
        authenticate_with(dir, authorization, form, query, &ledger)
    }

    fn authenticate_with(
        dir: &Directory,
        authorization: Option<&str>,
        form: &[(String, String)],
        query: &[(String, String)],
        ledger: &crate::ledger::Ledger,
    ) -> Result<App, OAuthError> {
        let ctx = AssertionContext {
            audience: TOKEN_URL,
            ledger,
            now: Clock::default().now(),
        };
        authenticate(dir, authorization, form, query, &ctx)
    }

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn basic_post_and_public_clients() {
        let dir = Directory::new(Clock::default());
        let web = app(&dir, "client_secret_basic", "web");
        let secret = web.credentials.secrets.current().unwrap().to_owned();
        let id = web.credentials.client_id.clone();
        assert!(auth(&dir, Some(&basic(&id, &secret)), &[], &[]).is_ok());
        let e = auth(&dir, Some(&basic(&id, "wrong-secret-123")), &[], &[]).unwrap_err();
        assert_eq!(e.error, "invalid_client");
        assert_eq!(
            e.description,
            "The client secret supplied for a confidential client is invalid."
        );
        assert!(e.www_authenticate.is_some());
        // The configured method is enforced.
        let e = auth(
            &dir,
            None,
            &form(&[("client_id", &id), ("client_secret", &secret)]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.error, "invalid_client");
        // A confidential client cannot act as a public one.
        assert!(auth(&dir, None, &form(&[("client_id", &id)]), &[]).is_err());
        let post = app(&dir, "client_secret_post", "web");
        let ps = post.credentials.secrets.current().unwrap().to_owned();
        assert!(
            auth(
                &dir,
                None,
                &form(&[
                    ("client_id", &post.credentials.client_id),
                    ("client_secret", &ps)
                ]),
                &[]
            )
            .is_ok()
        );
        let native = app(&dir, "none", "native");
        assert!(
            auth(
                &dir,
                None,
                &form(&[("client_id", &native.credentials.client_id)]),
                &[]
            )
            .is_ok()
        );
        assert_eq!(
            auth(&dir, None, &[], &[]).unwrap_err().description,
            "No client credentials found."
        );
        let e = auth(
            &dir,
            Some(&basic(&id, &secret)),
            &form(&[("client_secret", &secret)]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.error, "invalid_request");
        assert_eq!(e.status, 401);
        let e = auth(&dir, None, &[], &form(&[("client_secret", "x")])).unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(
            auth(&dir, Some("Basic !!!"), &[], &[]).unwrap_err().error,
            "invalid_client"
        );
    }

    #[test]
    fn client_secret_jwt_assertions_are_checked_as_okta_does() {
        use crate::oidc::client_assertion::tests::sign;
        let dir = Directory::new(Clock::default());
        let ledger = crate::ledger::Ledger::new(Clock::default());
        let jwt_app = app(&dir, "client_secret_jwt", "web");
        let id = jwt_app.credentials.client_id.clone();
        let secret = jwt_app.credentials.secrets.current().unwrap().to_owned();
        let now = Clock::default().now();
        let claims = |aud: &str, exp: i64, jti: &str| json!({"iss": id, "sub": id, "aud": aud, "iat": now, "exp": exp, "jti": jti});
        let send = |jwt: &str, kind: &str| {
            authenticate_with(
                &dir,
                None,
                &form(&[("client_assertion_type", kind), ("client_assertion", jwt)]),
                &[],
                &ledger,
            )
        };
        let good = sign("HS256", &claims(TOKEN_URL, now + 300, "j1"), &secret);
        assert_eq!(send(&good, JWT_BEARER).unwrap().credentials.client_id, id);
        let err = |jwt: &str| send(jwt, JWT_BEARER).unwrap_err().description;
        assert_eq!(
            err(&good),
            "The client_assertion token has already been used."
        );
        for (jwt, why) in [
            (
                sign(
                    "HS256",
                    &claims(TOKEN_URL, now + 300, "j2"),
                    "another-secret-0123456789",
                ),
                "The client_assertion signature is invalid.",
            ),
            (
                sign(
                    "HS256",
                    &claims("https://dev-1.okta.com/oauth2/v1/token", now + 300, "j3"),
                    &secret,
                ),
                "The audience [aud] claim in the client_assertion token is invalid; it must be https://dev-1.okta.com/oauth2/default/v1/token.",
            ),
            (
                sign("HS256", &claims(TOKEN_URL, now - 1, "j4"), &secret),
                "The client_assertion token is expired.",
            ),
            (
                sign("HS512", &claims(TOKEN_URL, now + 7200, "j5"), &secret),
                "The client_assertion token has an expiration too far in the future.",
            ),
        ] {
            assert_eq!(err(&jwt), why);
        }
        let other = sign("HS384", &claims(TOKEN_URL, now + 300, "j6"), &secret);
        assert_eq!(
            send(
                &other,
                "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
            )
            .unwrap_err()
            .description,
            "The client_assertion_type is invalid."
        );
        assert!(send(&other, JWT_BEARER).is_ok(), "HS384 is accepted");
        // A secret in the body as well is two credentials at once.
        let e = authenticate_with(
            &dir,
            None,
            &form(&[
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &good),
                ("client_secret", &secret),
            ]),
            &[],
            &ledger,
        )
        .unwrap_err();
        assert_eq!((e.status.as_u16(), e.error), (401, "invalid_request"));
        // The app's configured method is enforced both ways.
        let post = app(&dir, "client_secret_post", "web");
        let pid = post.credentials.client_id.clone();
        let ps = post.credentials.secrets.current().unwrap().to_owned();
        let jwt = sign(
            "HS256",
            &json!({"iss": pid, "sub": pid, "aud": TOKEN_URL, "exp": now + 60}),
            &ps,
        );
        assert_eq!(err(&jwt), BAD_CLIENT);
        let e = auth(&dir, Some(&basic(&id, &secret)), &[], &[]).unwrap_err();
        assert_eq!(e.description, BAD_CLIENT);
    }
}
