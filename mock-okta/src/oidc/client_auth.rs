//! Client authentication at the token, introspect and revoke endpoints:
//! `client_secret_basic`, `client_secret_post`, and `none` for public clients.

use base64::{Engine as _, engine::general_purpose::STANDARD};

use super::{authorize::param, error::OAuthError};
use crate::directory::{App, AppStatus, Directory, TokenAuthMethod};

const BAD_CLIENT: &str =
    "Client authentication failed. Either the client or the client credentials are invalid.";

/// How the client presented itself.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Presented {
    Basic { id: String, secret: String },
    Post { id: String, secret: String },
    Public { id: String },
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
) -> Result<App, OAuthError> {
    if param(query, "client_secret").is_some() || param(query, "client_assertion").is_some() {
        return Err(OAuthError::invalid_request(
            "Client credentials should not be sent in the query string.",
        ));
    }
    if param(form, "client_assertion").is_some() {
        return Err(OAuthError::invalid_client(
            "mock-okta supports client_secret_basic, client_secret_post and none; client assertions (client_secret_jwt, private_key_jwt) are not supported.",
        ));
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
                return Err(OAuthError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "invalid_request",
                    "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
                ));
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
    match (secret, &app.credentials.client_secret) {
        (Some(given), Some(expected)) => {
            if configured != method {
                return Err(wrap(OAuthError::invalid_client(BAD_CLIENT)));
            }
            let same = crate::ids::constant_time_eq(given.as_bytes(), expected.as_bytes());
            if !same {
                return Err(wrap(OAuthError::invalid_client(
                    "The client secret supplied for a confidential client is invalid.",
                )));
            }
        }
        (None, None) if configured == TokenAuthMethod::None => {}
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

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn basic_post_and_public_clients() {
        let dir = Directory::new(Clock::default());
        let web = app(&dir, "client_secret_basic", "web");
        let secret = web.credentials.client_secret.clone().unwrap();
        let id = web.credentials.client_id.clone();
        assert!(authenticate(&dir, Some(&basic(&id, &secret)), &[], &[]).is_ok());
        let e = authenticate(&dir, Some(&basic(&id, "wrong-secret-123")), &[], &[]).unwrap_err();
        assert_eq!(e.error, "invalid_client");
        assert_eq!(
            e.description,
            "The client secret supplied for a confidential client is invalid."
        );
        assert!(e.www_authenticate.is_some());
        // The configured method is enforced.
        let e = authenticate(
            &dir,
            None,
            &form(&[("client_id", &id), ("client_secret", &secret)]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.error, "invalid_client");
        // A confidential client cannot act as a public one.
        assert!(authenticate(&dir, None, &form(&[("client_id", &id)]), &[]).is_err());
        let post = app(&dir, "client_secret_post", "web");
        let ps = post.credentials.client_secret.clone().unwrap();
        assert!(
            authenticate(
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
            authenticate(
                &dir,
                None,
                &form(&[("client_id", &native.credentials.client_id)]),
                &[]
            )
            .is_ok()
        );
        assert_eq!(
            authenticate(&dir, None, &[], &[]).unwrap_err().description,
            "No client credentials found."
        );
        let e = authenticate(
            &dir,
            Some(&basic(&id, &secret)),
            &form(&[("client_secret", &secret)]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.error, "invalid_request");
        assert_eq!(e.status, 401);
        let e = authenticate(&dir, None, &[], &form(&[("client_secret", "x")])).unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(
            authenticate(&dir, Some("Basic !!!"), &[], &[])
                .unwrap_err()
                .error,
            "invalid_client"
        );
    }
}
