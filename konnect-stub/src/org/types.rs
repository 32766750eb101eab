//! Domain values that validate when built: emails, login paths, tiers and roles.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An email address, lower-cased so that lookups ignore case (Okta and Konnect match users by
/// email without regard to case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain` with no whitespace, at most 250 characters (Konnect's limit).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let valid = s.len() <= 250
            && !s.chars().any(char::is_whitespace)
            && matches!(s.split_once('@'), Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(format!("{raw:?} is not an email address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, used as a display name when nothing better is known.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an identity provider says about the email address it gave (`email_verified`, OpenID
/// Connect Core §5.1). SSO links to an existing user only when `Verified`, and provisions a
/// new one unless `Unverified`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailVerification {
    Verified,
    Unverified,
    /// The provider did not say (no `email_verified` about this address).
    Unknown,
}

/// The organization's SSO login path: `{public URL}/login/{login path}`. Konnect's UI calls it
/// "any alphanumeric string"; its own examples use hyphens, so letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginPath(String);

/// Why a login path was refused (the reason is shown next to the field and in problem+json).
pub const LOGIN_PATH_RULE: &str =
    "must be 1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit";

impl LoginPath {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().trim_matches('/');
        let valid = !s.is_empty()
            && s.len() <= 100
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(s.to_owned()))
        } else {
            Err(LOGIN_PATH_RULE.to_owned())
        }
    }

    /// The default login path for an organization: a slug of its name ("Acme Co." -> "acme-co").
    pub fn slug_of(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let out = out.trim_end_matches('-');
        let out: String = out.chars().take(100).collect();
        let out = out.trim_end_matches('-');
        if out.is_empty() {
            Self("org".to_owned())
        } else {
            Self(out.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LoginPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The organization's plan. Okta single sign-on is an Enterprise feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Enterprise,
    Free,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Enterprise => "Enterprise",
            Tier::Free => "Free",
        }
    }
}

/// A user's place in the organization. Only an Organization Admin may change identity settings,
/// and only an admin keeps basic-auth login while OIDC is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    OrganizationAdmin,
    Member,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::OrganizationAdmin => "Organization Admin",
            Role::Member => "Member",
        }
    }

    pub fn is_admin(self) -> bool {
        self == Role::OrganizationAdmin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Admin@Example.COM ").unwrap().as_str(),
            "admin@example.com"
        );
        for bad in ["", "a", "@x", "a@", "a b@x", "a@b@c", "a@.x"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn login_path_allows_slugs_only() {
        assert_eq!(LoginPath::parse("acme-co").unwrap().as_str(), "acme-co");
        assert_eq!(LoginPath::parse("/acme/").unwrap().as_str(), "acme");
        for bad in ["", "-x", "a b", "a/b", "ä", &"x".repeat(101)] {
            assert!(LoginPath::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn slug_of_organization_name() {
        assert_eq!(LoginPath::slug_of("Acme Co.").as_str(), "acme-co");
        assert_eq!(LoginPath::slug_of("  Kong -- Inc ").as_str(), "kong-inc");
        assert_eq!(LoginPath::slug_of("!!!").as_str(), "org");
        assert!(LoginPath::parse(LoginPath::slug_of(&"é".repeat(300)).as_str()).is_ok());
    }
}
