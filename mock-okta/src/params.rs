//! Request parameters: the name-value pairs of a query string or a form body, in order, with
//! repeats kept, and the one rule for reading them (Okta treats an empty value as absent and
//! reads the first occurrence).

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderMap, StatusCode, header, request::Parts},
};

use crate::html::PageError;

/// The parameters of a query string or an `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

/// The first value of `name`; an empty value counts as absent, as in Okta.
pub fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

impl Params {
    /// Parses a query string (`None`: no query).
    pub fn from_query(raw: Option<&str>) -> Self {
        Self::parse(raw.unwrap_or_default().as_bytes())
    }

    /// Parses `application/x-www-form-urlencoded` bytes.
    pub fn parse(raw: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(raw).into_owned().collect())
    }

    /// The first non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        first(&self.0, name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }
}

impl From<Vec<(String, String)>> for Params {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Params {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

/// Whether the request says its body is a form (`application/x-www-form-urlencoded`, any
/// parameters such as `charset` allowed).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The query of a browser route. Never refused: repeats and odd encodings are read by the
/// one rule above, not answered with a framework's plain-text error.
pub struct BrowserQuery(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for BrowserQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Params::from_query(parts.uri.query())))
    }
}

/// The form body of a browser route; anything else is refused with an HTML error page.
pub struct BrowserForm(pub Params);

impl<S: Send + Sync> FromRequest<S> for BrowserForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        if !is_form(req.headers()) {
            return Err(PageError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "415 Unsupported Media Type",
                "The form must be sent as application/x-www-form-urlencoded.",
            ));
        }
        let body = Bytes::from_request(req, state).await.map_err(|_| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                "400 Bad Request",
                "The form could not be read. Go back and try again.",
            )
        })?;
        Ok(Self(Params::parse(&body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_first_non_empty_value_counts() {
        let p = Params::from_query(Some("a=&a=1&a=2&b=%20x"));
        assert_eq!(
            p.get("a"),
            None,
            "the first value is empty: absent, as in Okta"
        );
        assert_eq!(p.get("b"), Some(" x"));
        assert_eq!(p.get("c"), None);
        assert_eq!(Params::from_query(None), Params::default());
    }

    #[test]
    fn form_content_type_allows_parameters() {
        let mut h = HeaderMap::new();
        assert!(!is_form(&h));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
        );
        assert!(is_form(&h));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(!is_form(&h));
    }
}
