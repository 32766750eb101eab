//! Console form bodies and the inline errors shown beside their fields.

use axum::http::StatusCode;

use crate::directory::{Cause, DirError};

/// An `application/x-www-form-urlencoded` body as ordered pairs, so repeated names
/// (checkboxes, multiple selects) keep every value.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value, trimmed; empty when the field is absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().trim().to_owned()
    }

    /// Every non-empty value of a field, trimmed.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Whether a checkbox (or option) with this value was sent.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A field holding one entry per line (the URI lists); blank lines are dropped. Repeated
    /// fields of the same name are read too, so one input per URI works as well.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// Inline errors by form field, plus errors that belong to no field.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    fields: Vec<(&'static str, String)>,
    general: Vec<String>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.fields.push((field, message.into()));
    }

    pub fn add_general(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// The status of the page that shows the form: 400 once it holds an error, 200 otherwise.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    /// The errors of one field, joined into one message.
    pub fn get(&self, field: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .fields
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join(" "))
    }

    /// Errors that belong to no field on the form.
    pub fn general(&self) -> &[String] {
        &self.general
    }

    /// The errors of a refused directory change (see [`FieldErrors::add_dir_error`]).
    pub fn of_dir_error(err: &DirError, field_of: fn(&str) -> Option<&'static str>) -> Self {
        let mut errors = Self::default();
        errors.add_dir_error(err, field_of);
        errors
    }

    /// Adds a directory error: validation causes go beside the form field `field_of` maps
    /// their API field to, in the console's wording; anything else goes on top of the form.
    pub fn add_dir_error(&mut self, err: &DirError, field_of: fn(&str) -> Option<&'static str>) {
        match err {
            DirError::Validation { causes, .. } => {
                for c in causes {
                    let msg = console_message(c);
                    match field_of(&c.field) {
                        Some(f) => self.add(f, msg),
                        None => self.add_general(msg),
                    }
                }
            }
            DirError::AlreadyAssigned => {
                self.add_general("The specified user is already assigned to the application.")
            }
            DirError::NotFound { .. } => {
                self.add_general("The selected item no longer exists. Reload the page.")
            }
            other => self.add_general(other.to_string()),
        }
    }
}

/// The console's wording of a Management API validation cause: the API prefixes each cause
/// with its attribute (`label: …`), the console shows the message beside the field itself.
pub fn console_message(c: &Cause) -> String {
    let msg = match c.message.split_once(": ") {
        Some((attr, rest)) if !attr.contains(' ') => rest,
        _ => c.message.as_str(),
    };
    match (c.field.as_str(), msg) {
        (_, "The field cannot be left blank") => "This field cannot be left blank".to_owned(),
        ("settings.oauthClient.initiate_login_uri", m) if m.contains("is required") => {
            "Initiate login URI is required when Login initiated by is Either Okta or App"
                .to_owned()
        }
        ("settings.oauthClient.redirect_uris", m) if m.starts_with("At least one") => {
            "At least one Sign-in redirect URI is required".to_owned()
        }
        ("settings.oauthClient.idp_initiated_login", m) if m.contains("OKTA") => {
            "Send ID Token directly to app (Okta Simplified) is only available to Single-Page \
             applications with the Implicit (hybrid) grant type"
                .to_owned()
        }
        (_, m) => m.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keeps_repeated_fields_and_splits_uri_lists() {
        let f = FormData::parse(
            b"grant_types=refresh_token&grant_types=implicit&uris=https%3A%2F%2Fa%2F%0D%0A%0D%0A+https%3A%2F%2Fb%2F+&name=+Konnect+",
        );
        assert!(f.has("grant_types", "implicit"));
        assert!(!f.has("grant_types", "authorization_code"));
        assert_eq!(f.lines("uris"), vec!["https://a/", "https://b/"]);
        assert_eq!(f.text("name"), "Konnect");
        assert_eq!(f.text("missing"), "");
    }

    #[test]
    fn api_causes_read_as_console_messages() {
        let c = Cause::new("label", "label: The field cannot be left blank");
        assert_eq!(console_message(&c), "This field cannot be left blank");
        let c = Cause::new(
            "settings.oauthClient.redirect_uris",
            "redirect_uris: '/login' is not a valid absolute URI",
        );
        assert_eq!(console_message(&c), "'/login' is not a valid absolute URI");
        let mut e = FieldErrors::default();
        e.add_dir_error(
            &DirError::validation(vec![c.clone(), Cause::new("other", "other: odd")]),
            |f| (f == "settings.oauthClient.redirect_uris").then_some("redirect_uris"),
        );
        assert_eq!(
            e.get("redirect_uris").as_deref(),
            Some("'/login' is not a valid absolute URI")
        );
        assert_eq!(e.general(), ["odd".to_owned()]);
    }
}
