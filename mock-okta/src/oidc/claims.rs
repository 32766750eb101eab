//! Which claims beyond the standard ones a token or `/userinfo` carries, by authorization
//! server: a custom server's own claims, or on the org server the app's groups
//! claim when the `groups` scope is granted (the org server puts it in ID tokens and
//! `/userinfo`, never in access tokens).

use crate::{
    directory::{AppGroupsClaim, ClaimError, ClaimTarget, Directory, ExtraClaims, User},
    paths::AuthServer,
    state::GroupsOverLimit,
};

/// Where the tokens go out: the authorize endpoint (implicit and hybrid) or the token
/// endpoint. The groups limit may depend on it ([`GroupsOverLimit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Authorize,
    Token,
}

/// Whether the 100-group limit applies on this channel.
pub fn limited(policy: GroupsOverLimit, channel: Channel) -> bool {
    match policy {
        GroupsOverLimit::EveryFlow => true,
        GroupsOverLimit::ImplicitOnly => channel == Channel::Authorize,
    }
}

/// The claims to append for `target` (`app_claim`: the client app's groups claim), in Okta's order (after the standard claims, in the
/// order the claims were made).
pub fn extra_claims(
    dir: &Directory,
    server: AuthServer,
    app_claim: Option<&AppGroupsClaim>,
    user: &User,
    target: ClaimTarget,
    scopes: &[String],
    limited: bool,
) -> Result<ExtraClaims, ClaimError> {
    match server {
        AuthServer::Custom(id) => dir.custom_claims(id, user, target, scopes, limited),
        AuthServer::Org => {
            let Some(claim) = app_claim else {
                return Ok(Vec::new());
            };
            if target == ClaimTarget::AccessToken || !scopes.iter().any(|s| s == "groups") {
                return Ok(Vec::new());
            }
            let value = dir.groups_claim_value(&claim.name, &user.id, &claim.filter, limited)?;
            Ok(vec![(claim.name.clone(), value)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_where_the_policy_says() {
        assert!(limited(GroupsOverLimit::EveryFlow, Channel::Token));
        assert!(limited(GroupsOverLimit::ImplicitOnly, Channel::Authorize));
        assert!(!limited(GroupsOverLimit::ImplicitOnly, Channel::Token));
    }
}
