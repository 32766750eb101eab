//! How an authorize answer reaches the client, by response mode: a redirect with the
//! parameters in the query or the fragment, an auto-submitting form (`form_post`), or a
//! `postMessage` page (`okta_post_message`).

use askama::Template;
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use super::request::ResponseMode;
use crate::oidc::error::{ErrorPage, OAuthError};

/// Where an error or a success goes back to the client, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub params: Vec<(String, String)>,
}

impl Delivery {
    /// An OAuth error back to the client, with the request's `state`.
    pub fn error(
        redirect_uri: &str,
        mode: ResponseMode,
        state: Option<&str>,
        err: &OAuthError,
    ) -> Self {
        let mut params = vec![
            ("error".to_owned(), err.error.to_owned()),
            ("error_description".to_owned(), err.description.clone()),
        ];
        if let Some(s) = state {
            params.push(("state".to_owned(), s.to_owned()));
        }
        Self {
            redirect_uri: redirect_uri.to_owned(),
            mode,
            params,
        }
    }
}

#[derive(Template)]
#[template(path = "form_post.html")]
struct FormPost<'a> {
    action: &'a str,
    params: &'a [(String, String)],
}

#[derive(Template)]
#[template(path = "post_message.html")]
struct PostMessage<'a> {
    target_origin: String,
    message: String,
    _marker: std::marker::PhantomData<&'a ()>,
}

fn append(uri: &str, sep_if_fresh: char, params: &[(String, String)]) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish();
    let sep = match sep_if_fresh {
        '?' if uri.contains('?') => '&',
        c => c,
    };
    format!("{uri}{sep}{encoded}")
}

/// Sends the result to the client by its response mode.
pub fn deliver(d: Delivery, extra_headers: HeaderMap) -> Response {
    let mut res = match d.mode {
        ResponseMode::Query | ResponseMode::Fragment => {
            let sep = if d.mode == ResponseMode::Query {
                '?'
            } else {
                '#'
            };
            let location = append(&d.redirect_uri, sep, &d.params);
            let mut res = StatusCode::FOUND.into_response();
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                Err(_) => {
                    return ErrorPage::new("invalid_request", "The redirect URI cannot be used.")
                        .into_response();
                }
            }
            res.headers_mut().insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            res
        }
        ResponseMode::FormPost => {
            let html = FormPost {
                action: &d.redirect_uri,
                params: &d.params,
            }
            .render()
            .unwrap_or_default();
            Html(html).into_response()
        }
        ResponseMode::OktaPostMessage => {
            let origin = url::Url::parse(&d.redirect_uri)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            let message: serde_json::Map<String, serde_json::Value> = d
                .params
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            let html = PostMessage {
                target_origin: serde_json::to_string(&origin).unwrap_or_default(),
                // `<` escaped so no value can close the script element.
                message: serde_json::to_string(&message)
                    .unwrap_or_default()
                    .replace('<', "\\u003c"),
                _marker: std::marker::PhantomData,
            }
            .render()
            .unwrap_or_default();
            Html(html).into_response()
        }
    };
    let h = res.headers_mut();
    crate::web::no_store(h);
    for (k, v) in extra_headers {
        if let Some(k) = k {
            h.append(k, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_appends_to_existing_query() {
        assert_eq!(
            append("https://a/cb?x=1", '?', &[("code".into(), "c d".into())]),
            "https://a/cb?x=1&code=c+d"
        );
        assert_eq!(
            append("https://a/cb", '#', &[("id_token".into(), "t".into())]),
            "https://a/cb#id_token=t"
        );
    }
}
