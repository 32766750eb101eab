//! Claims of the `default` custom authorization server (`/api/v1/authorizationServers/default/claims`)
//! and the group filters they and an app's groups claim use, with the rules that decide what
//! a token or `/userinfo` carries.
//!
//! - An IDENTITY claim goes into the ID token when it is "Always" included
//!   (`alwaysIncludeInToken`) or when no access token is issued with the ID token; otherwise
//!   only `/userinfo` returns it (Okta's help, "Create API access claims").
//! - A RESOURCE claim goes into the access token.
//! - `conditions.scopes`: empty means any scope; otherwise the token must carry one of them.
//! - A GROUPS claim lists the names of the user's groups its filter matches, Everyone
//!   included, in the order the groups were made; an EXPRESSION claim evaluates
//!   `user.<profile attribute>` or a string literal.
//! - At most [`GROUPS_CLAIM_LIMIT`] groups: past it the token is refused
//!   ([`ClaimError::TooManyGroups`]) where the caller says the limit applies
//!   (`crate::state::GroupsOverLimit`).

use crate::paths::ServerId;
use serde::Deserialize;
use serde_json::Value;

use super::{Cause, DirError, DirResult, Directory, User};
use crate::ids::okta_id;

/// The most groups a groups claim may list (DD-OIDC; Okta's support article
/// "The groups claim matched too many groups and must be configured to match fewer groups").
pub const GROUPS_CLAIM_LIMIT: usize = 100;

/// `claimType`: which token a claim belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ClaimType {
    /// The ID token (and `/userinfo`).
    Identity,
    /// The access token.
    Resource,
}

impl ClaimType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "IDENTITY",
            Self::Resource => "RESOURCE",
        }
    }
}

/// `valueType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ValueType {
    Expression,
    Groups,
}

impl ValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expression => "EXPRESSION",
            Self::Groups => "GROUPS",
        }
    }
}

/// `group_filter_type`: how a groups claim's `value` matches group names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupFilterType {
    StartsWith,
    Equals,
    Contains,
    Regex,
}

impl GroupFilterType {
    pub const ALL: [Self; 4] = [Self::StartsWith, Self::Equals, Self::Contains, Self::Regex];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartsWith => "STARTS_WITH",
            Self::Equals => "EQUALS",
            Self::Contains => "CONTAINS",
            Self::Regex => "REGEX",
        }
    }

    /// The Admin Console's words for the filter.
    pub fn label(self) -> &'static str {
        match self {
            Self::StartsWith => "Starts with",
            Self::Equals => "Equals",
            Self::Contains => "Contains",
            Self::Regex => "Matches regex",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A filter over group names: a type and the value it compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFilter {
    pub filter_type: GroupFilterType,
    pub value: String,
}

impl GroupFilter {
    /// A filter whose value is usable: not blank, and for REGEX a regular expression.
    /// `field` names the value in the error (`value` in the claims API).
    pub fn new(filter_type: GroupFilterType, value: &str, field: &str) -> DirResult<Self> {
        if value.is_empty() {
            return Err(DirError::validation(vec![Cause::blank(field)]));
        }
        // The pattern must stand on its own: `a)|(b` would compile once wrapped in the anchors
        // and no longer match whole names.
        if filter_type == GroupFilterType::Regex
            && (regex::Regex::new(value).is_err() || anchored(value).is_err())
        {
            return Err(DirError::validation(vec![Cause::new(
                field,
                format!(
                    "{}: The regular expression is not valid",
                    super::last_segment(field)
                ),
            )]));
        }
        Ok(Self {
            filter_type,
            value: value.to_owned(),
        })
    }

    /// Whether a group name passes. Comparisons are case sensitive; a regex must match the
    /// whole name, as Java's `String.matches` (Okta's) does.
    pub fn matches(&self, name: &str) -> bool {
        match self.filter_type {
            GroupFilterType::StartsWith => name.starts_with(&self.value),
            GroupFilterType::Equals => name == self.value,
            GroupFilterType::Contains => name.contains(&self.value),
            GroupFilterType::Regex => anchored(&self.value).is_ok_and(|r| r.is_match(name)),
        }
    }
}

fn anchored(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&format!("^(?:{pattern})$"))
}

/// What an EXPRESSION claim's value evaluates: the expressions mock-okta understands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expression {
    /// `user.<attribute>`: the user's profile attribute (the claim is left out when unset).
    UserAttribute(String),
    /// `"text"`: the text.
    Literal(String),
}

impl Expression {
    fn parse(value: &str) -> Option<Self> {
        let v = value.trim();
        if let Some(attr) = v.strip_prefix("user.")
            && !attr.is_empty()
            && attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Some(Self::UserAttribute(attr.to_owned()));
        }
        let inner = v.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains('"')).then(|| Self::Literal(inner.to_owned()))
    }

    fn evaluate(&self, user: &User) -> Option<Value> {
        match self {
            Self::UserAttribute(a) => user.profile.get(a).filter(|v| !v.is_null()).cloned(),
            Self::Literal(s) => Some(Value::String(s.clone())),
        }
    }
}

/// A claim's value rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimValue {
    /// An expression, kept as written.
    Expression(String),
    Groups(GroupFilter),
}

/// A custom claim of a custom authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    /// The custom authorization server the claim belongs to.
    pub server: ServerId,
    pub name: String,
    pub active: bool,
    pub claim_type: ClaimType,
    pub value: ClaimValue,
    pub always_include_in_token: bool,
    /// `conditions.scopes`; empty for "Any scope".
    pub scopes: Vec<String>,
}

impl Claim {
    pub fn value_type(&self) -> ValueType {
        match self.value {
            ClaimValue::Expression(_) => ValueType::Expression,
            ClaimValue::Groups(_) => ValueType::Groups,
        }
    }

    /// The `value` field: the expression or the group filter's value.
    pub fn value_text(&self) -> &str {
        match &self.value {
            ClaimValue::Expression(e) => e,
            ClaimValue::Groups(f) => &f.value,
        }
    }

    pub fn group_filter_type(&self) -> Option<GroupFilterType> {
        match &self.value {
            ClaimValue::Groups(f) => Some(f.filter_type),
            ClaimValue::Expression(_) => None,
        }
    }

    fn applies_to(&self, scopes: &[String]) -> bool {
        self.active && (self.scopes.is_empty() || self.scopes.iter().any(|s| scopes.contains(s)))
    }
}

/// `conditions` of a claim.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimConditionsInput {
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// The body of `POST`/`PUT /api/v1/authorizationServers/default/claims[/{id}]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimInput {
    pub name: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "claimType")]
    pub claim_type: Option<ClaimType>,
    #[serde(rename = "valueType")]
    pub value_type: Option<ValueType>,
    pub value: Option<String>,
    pub group_filter_type: Option<GroupFilterType>,
    #[serde(
        rename = "alwaysIncludeInToken",
        default,
        deserialize_with = "bool_or_string"
    )]
    pub always_include_in_token: Option<bool>,
    pub conditions: Option<ClaimConditionsInput>,
    /// Read-only; accepted and ignored.
    pub system: Option<bool>,
}

/// `alwaysIncludeInToken` is a boolean, but Okta's own examples send `"TRUE"`.
fn bool_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(serde::de::Error::custom(format!(
            "alwaysIncludeInToken must be a boolean, not {other}"
        ))),
    }
}

/// Claim names a custom claim cannot take: the ones Okta mints itself.
const RESERVED_NAMES: &[&str] = &[
    "ver",
    "jti",
    "iss",
    "aud",
    "iat",
    "exp",
    "cid",
    "uid",
    "scp",
    "sub",
    "auth_time",
    "amr",
    "idp",
    "nonce",
    "at_hash",
    "c_hash",
    "nbf",
    "name",
    "locale",
    "email",
    "preferred_username",
    "given_name",
    "family_name",
    "zoneinfo",
    "updated_at",
    "email_verified",
];

/// A claim as the input describes it, every rule checked; `known_scope` tells the server's
/// scopes.
fn build_claim(
    input: ClaimInput,
    server: ServerId,
    id: String,
    known_scope: impl Fn(&str) -> bool,
) -> DirResult<Claim> {
    let mut causes = Vec::new();
    let name = input.name.unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        causes.push(Cause::blank("name"));
    } else if RESERVED_NAMES.contains(&name.as_str()) {
        causes.push(reserved(&name));
    }
    let claim_type = input.claim_type;
    if claim_type.is_none() {
        causes.push(Cause::blank("claimType"));
    }
    let active = match input.status.as_deref() {
        None | Some("ACTIVE") => true,
        Some("INACTIVE") => false,
        Some(_) => {
            causes.push(Cause::new(
                "status",
                "status: The status must be ACTIVE or INACTIVE",
            ));
            true
        }
    };
    let raw_value = input.value.unwrap_or_default();
    let value = match input.value_type.unwrap_or(ValueType::Expression) {
        ValueType::Expression => {
            if raw_value.trim().is_empty() {
                causes.push(Cause::blank("value"));
            } else if Expression::parse(&raw_value).is_none() {
                causes.push(Cause::new(
                    "value",
                    "value: mock-okta evaluates only user.<profile attribute> and string literals in double quotes",
                ));
            }
            ClaimValue::Expression(raw_value)
        }
        ValueType::Groups => match input.group_filter_type {
            None => {
                causes.push(Cause::blank("group_filter_type"));
                ClaimValue::Expression(raw_value)
            }
            Some(t) => match GroupFilter::new(t, &raw_value, "value") {
                Ok(f) => ClaimValue::Groups(f),
                Err(DirError::Validation { causes: c, .. }) => {
                    causes.extend(c);
                    ClaimValue::Expression(raw_value)
                }
                Err(e) => return Err(e),
            },
        },
    };
    let scopes = input.conditions.unwrap_or_default().scopes;
    for s in &scopes {
        if !known_scope(s) {
            causes.push(Cause::new(
                "conditions.scopes",
                format!("scopes: The scope '{s}' does not exist on this authorization server"),
            ));
        }
    }
    let Some(claim_type) = claim_type.filter(|_| causes.is_empty()) else {
        return Err(DirError::validation(causes));
    };
    Ok(Claim {
        id,
        server,
        name,
        active,
        claim_type,
        value,
        always_include_in_token: input.always_include_in_token.unwrap_or(true),
        scopes,
    })
}

/// The groups claim of an app's Sign On tab ("Groups claim type: Filter"), which the org
/// authorization server puts into ID tokens and `/userinfo` when the `groups` scope is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGroupsClaim {
    /// The claim's name (`groups` by default).
    pub name: String,
    pub filter: GroupFilter,
}

impl AppGroupsClaim {
    /// A groups claim: a name that is not blank nor reserved, and a usable filter.
    pub fn new(name: &str, filter_type: GroupFilterType, value: &str) -> DirResult<Self> {
        let name = name.trim();
        let mut causes = Vec::new();
        if name.is_empty() {
            causes.push(Cause::blank("name"));
        } else if RESERVED_NAMES.contains(&name) {
            causes.push(reserved(name));
        }
        match GroupFilter::new(filter_type, value, "value") {
            Ok(filter) if causes.is_empty() => Ok(Self {
                name: name.to_owned(),
                filter,
            }),
            Ok(_) => Err(DirError::validation(causes)),
            Err(DirError::Validation { causes: c, .. }) => {
                causes.extend(c);
                Err(DirError::validation(causes))
            }
            Err(e) => Err(e),
        }
    }
}

/// The body of the app's groups claim, as Okta's internal
/// `/api/v1/internal/apps/{id}/settings/oauth/idToken` takes it (the Sign On tab's form
/// posts the same): `{"name":"groups","valueType":"GROUPS","groupFilterType":"REGEX","value":".*"}`.
/// No `name` and no `value` clears the claim.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGroupsClaimInput {
    pub name: Option<String>,
    pub value_type: Option<String>,
    pub group_filter_type: Option<String>,
    pub value: Option<String>,
    /// Read-only fields of the answer, accepted and ignored.
    pub issuer_mode: Option<String>,
}

impl AppGroupsClaimInput {
    /// The claim it sets, or `None` to clear it.
    pub fn claim(&self) -> DirResult<Option<AppGroupsClaim>> {
        let name = self.name.as_deref().unwrap_or_default();
        let value = self.value.as_deref().unwrap_or_default();
        if name.trim().is_empty() && value.is_empty() {
            return Ok(None);
        }
        if let Some(t) = self.value_type.as_deref().filter(|t| *t != "GROUPS") {
            return Err(DirError::validation(vec![Cause::new(
                "valueType",
                format!(
                    "valueType: mock-okta supports only the GROUPS (Filter) groups claim type, not {t}"
                ),
            )]));
        }
        let raw = self.group_filter_type.as_deref().unwrap_or_default();
        let Some(filter_type) = GroupFilterType::parse(raw) else {
            return Err(DirError::validation(vec![Cause::new(
                "groupFilterType",
                "groupFilterType: The filter must be STARTS_WITH, EQUALS, CONTAINS or REGEX",
            )]));
        };
        AppGroupsClaim::new(name, filter_type, value).map(Some)
    }
}

fn reserved(name: &str) -> Cause {
    Cause::new(
        "name",
        format!("name: The claim name '{name}' is reserved by Okta"),
    )
}

/// Where claims are being put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimTarget {
    /// An ID token; `with_access_token` when an access token is issued with it.
    IdToken {
        with_access_token: bool,
    },
    AccessToken,
    Userinfo,
}

/// Why claims could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error(
        "The groups claim matched too many groups and must be configured to match fewer groups"
    )]
    TooManyGroups { claim: String },
}

/// Claims to append to a token or `/userinfo`, in order.
pub type ExtraClaims = Vec<(String, Value)>;

impl Directory {
    /// Adds a claim to a custom server.
    pub fn create_claim(&self, server: ServerId, input: ClaimInput) -> DirResult<Claim> {
        let claim = build_claim(input, server, okta_id("ocl"), |s| {
            self.is_known_scope(server, s)
        })?;
        let mut store = self.write();
        check_name_free(&store.claims, &claim, None)?;
        store.claims.insert(claim.id.clone(), claim.clone());
        Ok(claim)
    }

    /// Replaces a claim (`PUT …/claims/{id}`).
    pub fn replace_claim(&self, server: ServerId, id: &str, input: ClaimInput) -> DirResult<Claim> {
        self.claim(server, id)?;
        let claim = build_claim(input, server, id.to_owned(), |s| {
            self.is_known_scope(server, s)
        })?;
        let mut store = self.write();
        check_name_free(&store.claims, &claim, Some(id))?;
        let slot = store
            .claims
            .get_mut(id)
            .ok_or_else(|| claim_not_found(id))?;
        *slot = claim.clone();
        Ok(claim)
    }

    /// A server's claim by id.
    pub fn claim(&self, server: ServerId, id: &str) -> DirResult<Claim> {
        self.read()
            .claims
            .get(id)
            .filter(|c| c.server == server)
            .cloned()
            .ok_or_else(|| claim_not_found(id))
    }

    /// A server's claims, in creation order.
    pub fn claims(&self, server: ServerId) -> Vec<Claim> {
        self.read()
            .claims
            .values()
            .filter(|c| c.server == server)
            .cloned()
            .collect()
    }

    /// Sets or clears an app's groups claim (the Sign On tab, the seed file and the
    /// internal `/api/v1/internal/apps/{id}/settings/oauth/idToken`).
    pub fn set_app_groups_claim(
        &self,
        app_id: &str,
        input: &AppGroupsClaimInput,
    ) -> DirResult<super::App> {
        self.app(app_id)?;
        let claim = input.claim()?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        app.groups_claim = claim;
        app.last_updated = now;
        Ok(app.clone())
    }

    pub fn delete_claim(&self, server: ServerId, id: &str) -> DirResult<()> {
        self.claim(server, id)?;
        self.write()
            .claims
            .shift_remove(id)
            .map(|_| ())
            .ok_or_else(|| claim_not_found(id))
    }

    /// The names of the user's groups a filter matches, in the order the groups were made.
    pub fn matching_group_names(&self, user_id: &str, filter: &GroupFilter) -> Vec<String> {
        self.user_groups(user_id)
            .into_iter()
            .map(|g| g.profile_name)
            .filter(|n| filter.matches(n))
            .collect()
    }

    /// A groups claim's value: the matching names, refused past the limit when `limited`.
    pub fn groups_claim_value(
        &self,
        claim: &str,
        user_id: &str,
        filter: &GroupFilter,
        limited: bool,
    ) -> Result<Value, ClaimError> {
        let names = self.matching_group_names(user_id, filter);
        if limited && names.len() > GROUPS_CLAIM_LIMIT {
            return Err(ClaimError::TooManyGroups {
                claim: claim.to_owned(),
            });
        }
        Ok(names.into())
    }

    /// A custom server's claims for a user, a target and the granted scopes, in the order
    /// the claims were made. `limited`: whether the 100-group limit applies.
    pub fn custom_claims(
        &self,
        server: ServerId,
        user: &User,
        target: ClaimTarget,
        scopes: &[String],
        limited: bool,
    ) -> Result<ExtraClaims, ClaimError> {
        let mut out: ExtraClaims = Vec::new();
        for c in self.claims(server) {
            let wanted = match target {
                ClaimTarget::AccessToken => c.claim_type == ClaimType::Resource,
                ClaimTarget::Userinfo => c.claim_type == ClaimType::Identity,
                ClaimTarget::IdToken { with_access_token } => {
                    c.claim_type == ClaimType::Identity
                        && (c.always_include_in_token || !with_access_token)
                }
            };
            if !wanted || !c.applies_to(scopes) || out.iter().any(|(n, _)| *n == c.name) {
                continue;
            }
            let value = match &c.value {
                ClaimValue::Groups(f) => {
                    Some(self.groups_claim_value(&c.name, &user.id, f, limited)?)
                }
                ClaimValue::Expression(e) => Expression::parse(e).and_then(|x| x.evaluate(user)),
            };
            if let Some(v) = value {
                out.push((c.name.clone(), v));
            }
        }
        Ok(out)
    }
}

fn check_name_free(
    claims: &indexmap::IndexMap<String, Claim>,
    claim: &Claim,
    except: Option<&str>,
) -> DirResult<()> {
    let taken = claims.values().any(|c| {
        Some(c.id.as_str()) != except
            && c.server == claim.server
            && c.name == claim.name
            && c.claim_type == claim.claim_type
    });
    if taken {
        return Err(DirError::validation(vec![Cause::taken("name")]));
    }
    Ok(())
}

fn claim_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "OAuth2Claim",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(t: GroupFilterType, v: &str) -> GroupFilter {
        GroupFilter::new(t, v, "value").expect("valid filter")
    }

    #[test]
    fn each_filter_type_matches_group_names_as_okta_describes() {
        assert!(filter(GroupFilterType::StartsWith, "Konnect").matches("Konnect Admins"));
        assert!(!filter(GroupFilterType::StartsWith, "konnect").matches("Konnect Admins"));
        assert!(filter(GroupFilterType::Equals, "Everyone").matches("Everyone"));
        assert!(!filter(GroupFilterType::Equals, "Every").matches("Everyone"));
        assert!(filter(GroupFilterType::Contains, "Adm").matches("Konnect Admins"));
        assert!(filter(GroupFilterType::Regex, ".*").matches("anything"));
        assert!(!filter(GroupFilterType::Regex, "Kon").matches("Konnect"));
    }

    #[test]
    fn a_bad_regex_or_a_blank_filter_is_refused() {
        assert!(GroupFilter::new(GroupFilterType::Regex, "(", "value").is_err());
        assert!(GroupFilter::new(GroupFilterType::Regex, ".*)|(x", "value").is_err());
        assert!(GroupFilter::new(GroupFilterType::Equals, "", "value").is_err());
    }

    #[test]
    fn expressions_are_user_attributes_or_string_literals() {
        assert_eq!(
            Expression::parse("user.department"),
            Some(Expression::UserAttribute("department".into()))
        );
        assert_eq!(
            Expression::parse("\"Support\""),
            Some(Expression::Literal("Support".into()))
        );
        assert_eq!(Expression::parse("String.toUpperCase(user.login)"), None);
        assert_eq!(Expression::parse("user."), None);
    }
}
