//! What an external org holds, read through the public APIs before and after a run: Okta's
//! apps and users, Konnect's identity provider and authentication settings. The run fails if
//! the two differ, which proves the scenarios' after hooks left a shared org as it was.

use std::collections::BTreeSet;

use harness::guide::KonnectSso;

use super::target::Orgs;

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// `id label status` of every app.
    okta_apps: BTreeSet<String>,
    /// `id login status` of every user.
    okta_users: BTreeSet<String>,
    konnect: KonnectSso,
}

fn rows(items: &[serde_json::Value], fields: &[&str]) -> BTreeSet<String> {
    items
        .iter()
        .map(|v| {
            fields
                .iter()
                .map(|f| {
                    v.pointer(f)
                        .and_then(|x| x.as_str())
                        .unwrap_or("?")
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

impl Snapshot {
    pub async fn take(orgs: &Orgs) -> anyhow::Result<Self> {
        let okta = orgs.okta.api();
        Ok(Self {
            okta_apps: rows(&okta.apps().await?, &["/id", "/label", "/status"]),
            okta_users: rows(&okta.users().await?, &["/id", "/profile/login", "/status"]),
            konnect: orgs.konnect.api().sso().await?,
        })
    }

    /// "N Okta apps, N Okta users, Konnect identity provider …", for the run's log.
    pub fn summary(&self) -> String {
        let idp = match &self.konnect.identity_provider {
            Some(idp) => format!(
                "Konnect identity provider {} (login path {})",
                idp["issuer"].as_str().unwrap_or("?"),
                idp["login_path"].as_str().unwrap_or("?")
            ),
            None => "no Konnect identity provider".to_owned(),
        };
        format!(
            "{} Okta apps, {} Okta users, {idp}, OIDC {}",
            self.okta_apps.len(),
            self.okta_users.len(),
            if self.konnect.authentication_settings["oidc_auth_enabled"] == true {
                "on"
            } else {
                "off"
            }
        )
    }

    /// What `after` holds that `self` did not, and the reverse, in words; empty when equal.
    pub fn differences(&self, after: &Self) -> Vec<String> {
        let mut out = Vec::new();
        let mut sets = |what: &str, before: &BTreeSet<String>, now: &BTreeSet<String>| {
            for added in now.difference(before) {
                out.push(format!("{what} added: {added}"));
            }
            for gone in before.difference(now) {
                out.push(format!("{what} gone: {gone}"));
            }
        };
        sets("Okta app", &self.okta_apps, &after.okta_apps);
        sets("Okta user", &self.okta_users, &after.okta_users);
        if self.konnect.identity_provider.is_none() && after.konnect.identity_provider.is_some() {
            // Konnect's API has no way to remove an identity provider: the after hooks cannot
            // put a never-configured organization back.
            out.push(format!(
                "Konnect identity provider configured where there was none: {:?} (Konnect's API \
                 cannot remove one; point the run at an organization that has had one, see \
                 README, \"Conformance runs\")",
                after.konnect.identity_provider
            ));
        } else if self.konnect.identity_provider != after.konnect.identity_provider {
            out.push(format!(
                "Konnect identity provider was {:?}, is {:?}",
                self.konnect.identity_provider, after.konnect.identity_provider
            ));
        }
        if self.konnect.authentication_settings != after.konnect.authentication_settings {
            out.push(format!(
                "Konnect authentication settings were {}, are {}",
                self.konnect.authentication_settings, after.konnect.authentication_settings
            ));
        }
        out
    }
}
