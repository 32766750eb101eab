//! The seed examples of the READMEs, read out of the README text (so the README is the source)
//! and started through each server's own seed loading: each starts, and seeds what it says.
//! mock-okta's example is in the root README's mock-okta section (its groups and claims in
//! `mock-okta/README.md`), konnect-stub's in `konnect-stub/README.md`.

use harness::{konnect_stub, mock_okta};
use serde_json::Value;

/// The fenced `json` blocks of a README, parsed, in order.
fn json_blocks(readme: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(readme);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{readme}: {e}"));
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some((_, after)) = rest.split_once("```json\n") {
        let (block, after) = after
            .split_once("\n```")
            .unwrap_or_else(|| panic!("{readme}: an unclosed json block"));
        blocks.push(
            serde_json::from_str(block)
                .unwrap_or_else(|e| panic!("{readme}: a json block is not JSON ({e}):\n{block}")),
        );
        rest = after;
    }
    blocks
}

/// The one seed example of a README: the json block holding `key`.
fn seed_example(readme: &str, key: &str) -> Value {
    let seeds: Vec<Value> = json_blocks(readme)
        .into_iter()
        .filter(|b| b.get(key).is_some())
        .collect();
    assert_eq!(
        seeds.len(),
        1,
        "{readme}: json blocks with {key:?}: {seeds:?}"
    );
    seeds.into_iter().next().unwrap()
}

/// Writes a seed where a server can read it; the file lives as long as the value.
struct SeedFile(std::path::PathBuf);

impl SeedFile {
    fn new(name: &str, seed: &Value) -> Self {
        let path = std::env::temp_dir().join(format!("{}-{name}.json", std::process::id()));
        std::fs::write(&path, seed.to_string()).unwrap();
        Self(path)
    }
}

impl Drop for SeedFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v}"))
}

async fn json_of(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn the_mock_okta_seed_example_seeds_its_users_groups_scopes_and_apps() {
    let seed = seed_example("README.md", "users");
    let file = SeedFile::new("mock-okta-readme-seed", &seed);
    let mut config = mock_okta::Config::for_tests();
    config.seed = Some(file.0.clone());
    let okta = mock_okta::MockOkta::start(config)
        .await
        .expect("the README's seed starts mock-okta");
    let base = okta.base_url().to_owned();
    let http = server_kit::http_client().build().unwrap();
    let api = |path: String| {
        http.get(format!("{base}{path}"))
            .header("Authorization", "SSWS 00mock-okta-api-token")
    };

    // The seed replaces the default org: its users, and only they.
    let users = json_of(api("/api/v1/users".into())).await;
    let logins: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| str_at(u, "/profile/login"))
        .collect();
    let seeded: Vec<&str> = seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| str_at(u, "/profile/login"))
        .collect();
    assert_eq!(logins, seeded);
    for user in seed["users"].as_array().unwrap() {
        let answer = json_of(
            http.post(format!("{base}/api/v1/authn"))
                .json(&serde_json::json!({
                    "username": str_at(user, "/profile/login"),
                    "password": str_at(user, "/credentials/password/value"),
                })),
        )
        .await;
        assert_eq!(answer["status"], "SUCCESS", "{answer}");
    }
    for group in seed["groups"].as_array().unwrap() {
        let name = str_at(group, "/profile/name");
        let found = json_of(api(format!("/api/v1/groups?q={name}"))).await;
        let id = str_at(&found, "/0/id");
        let members = json_of(api(format!("/api/v1/groups/{id}/users"))).await;
        let members: Vec<&str> = members
            .as_array()
            .unwrap()
            .iter()
            .map(|u| str_at(u, "/profile/login"))
            .collect();
        let expected: Vec<&str> = group["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(members, expected, "members of {name}");
    }
    let scopes = json_of(api("/api/v1/authorizationServers/default/scopes".into())).await;
    for scope in seed["scopes"].as_array().unwrap() {
        let name = str_at(scope, "/name");
        assert!(
            scopes.as_array().unwrap().iter().any(|s| s["name"] == name),
            "scope {name} in {scopes}"
        );
    }
    for app in seed["apps"].as_array().unwrap() {
        let label = str_at(app, "/label");
        let found = json_of(api(format!("/api/v1/apps?q={label}"))).await;
        assert_eq!(
            str_at(&found, "/0/credentials/oauthClient/client_id"),
            str_at(app, "/credentials/oauthClient/client_id")
        );
        assert_eq!(
            found[0]["settings"]["oauthClient"]["redirect_uris"],
            app["settings"]["oauthClient"]["redirect_uris"]
        );
        let id = str_at(&found, "/0/id");
        let groups = json_of(api(format!("/api/v1/apps/{id}/groups"))).await;
        assert_eq!(
            groups.as_array().unwrap().len(),
            app["assignments"]["groups"].as_array().unwrap().len(),
            "{groups}"
        );
    }
    okta.shutdown().await;
}

#[tokio::test]
async fn the_mock_okta_claims_seed_example_seeds_its_claims_groups_and_the_apps_groups_claim() {
    let seed = seed_example("mock-okta/README.md", "claims");
    let file = SeedFile::new("mock-okta-readme-claims-seed", &seed);
    let mut config = mock_okta::Config::for_tests();
    config.seed = Some(file.0.clone());
    let okta = mock_okta::MockOkta::start(config)
        .await
        .expect("mock-okta/README.md's seed starts mock-okta");
    let base = okta.base_url().to_owned();
    let http = server_kit::http_client().build().unwrap();
    let api = |path: String| {
        http.get(format!("{base}{path}"))
            .header("Authorization", "SSWS 00mock-okta-api-token")
    };
    let claims = json_of(api("/api/v1/authorizationServers/default/claims".into())).await;
    let claims = claims.as_array().unwrap();
    assert_eq!(claims.len(), seed["claims"].as_array().unwrap().len());
    for (made, given) in claims.iter().zip(seed["claims"].as_array().unwrap()) {
        for field in [
            "name",
            "claimType",
            "valueType",
            "group_filter_type",
            "value",
        ] {
            assert_eq!(made[field], given[field], "{field} of {made}");
        }
    }
    for group in seed["groups"].as_array().unwrap() {
        let name = str_at(group, "/profile/name");
        let found = json_of(api(format!("/api/v1/groups?q={name}"))).await;
        let id = str_at(&found, "/0/id");
        let members = json_of(api(format!("/api/v1/groups/{id}/users"))).await;
        assert_eq!(
            members.as_array().unwrap().len(),
            group["members"].as_array().unwrap().len(),
            "members of {name}"
        );
    }
    for app in seed["apps"].as_array().unwrap() {
        let label = str_at(app, "/label");
        let found = json_of(api(format!("/api/v1/apps?q={label}"))).await;
        let id = str_at(&found, "/0/id");
        let claim = json_of(api(format!(
            "/api/v1/internal/apps/{id}/settings/oauth/idToken"
        )))
        .await;
        for field in ["name", "valueType", "groupFilterType", "value"] {
            assert_eq!(
                claim[field], app["groupsClaim"][field],
                "{field} of {claim}"
            );
        }
    }
    okta.shutdown().await;
}

#[tokio::test]
async fn the_konnect_stub_seed_example_seeds_its_organization() {
    let seed = seed_example("konnect-stub/README.md", "organizations");
    let file = SeedFile::new("konnect-stub-readme-seed", &seed);
    let mut config = konnect_stub::Config::for_tests();
    config.seed = Some(file.0.clone());
    let konnect = konnect_stub::KonnectStub::start(config)
        .await
        .expect("the README's seed starts konnect-stub");
    let base = konnect.base_url().to_owned();
    for org in seed["organizations"].as_array().unwrap() {
        let mut owner_token = None;
        for user in org["users"].as_array().unwrap() {
            let email = str_at(user, "/email");
            // Okta is on (`"enabled": true`): an admin logs in with a password (basic auth
            // stays on for admins), a member is sent to the organization's login path.
            let http = server_kit::http_client()
                .cookie_store(true)
                .build()
                .unwrap();
            let login = http
                .post(format!("{base}/kauth/api/v1/authenticate"))
                .json(
                    &serde_json::json!({"username": email, "password": str_at(user, "/password")}),
                )
                .send()
                .await
                .unwrap();
            if user["role"] != "organization-admin" {
                assert_eq!(login.status(), reqwest::StatusCode::FORBIDDEN, "{email}");
                let problem: Value = login.json().await.unwrap();
                let login_path = str_at(org, "/identity_provider/login_path");
                assert!(
                    str_at(&problem, "/login_url").ends_with(&format!("/login/{login_path}")),
                    "{problem}"
                );
                continue;
            }
            assert!(login.status().is_success(), "{email}: {}", login.status());
            let me = json_of(http.get(format!("{base}/v2/users/me"))).await;
            assert_eq!(me["email"], email);
            if let Some(name) = user.get("full_name") {
                assert_eq!(&me["full_name"], name);
            }
            let mine = json_of(http.get(format!("{base}/v2/organizations/me"))).await;
            assert_eq!(mine["name"], org["name"]);
            if let Some(token) = user.get("token").and_then(Value::as_str) {
                let by_token = server_kit::http_client().build().unwrap();
                let me = json_of(
                    by_token
                        .get(format!("{base}/v2/users/me"))
                        .bearer_auth(token),
                )
                .await;
                assert_eq!(me["email"], email);
                if user["role"] == "organization-admin" {
                    owner_token = Some(token.to_owned());
                }
            }
        }
        let token = owner_token.expect("the example has an admin with a token");
        let http = server_kit::http_client().build().unwrap();
        let idp = json_of(
            http.get(format!("{base}/v2/identity-provider"))
                .bearer_auth(&token),
        )
        .await;
        let seeded = &org["identity_provider"];
        for field in ["issuer", "client_id", "login_path"] {
            assert_eq!(idp[field], seeded[field], "{field}: {idp}");
        }
    }
    konnect.shutdown().await;
}
