//! An app's Sign On tab: the OpenID Connect ID Token's groups claim, the same as the internal
//! `settings/oauth/idToken` API sets, and what the org server then mints.

use super::*;

#[tokio::test]
async fn the_sign_on_tab_sets_and_clears_the_apps_groups_claim() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let tab = format!("/admin/app/oidc_client/instance/{}", app.id);
    let api = format!("/api/v1/internal/apps/{}/settings/oauth/idToken", app.id);
    let (status, html) = page(&b, &h, &format!("{tab}?tab=signon")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h2>OpenID Connect ID Token</h2>"));
    assert_eq!(data_se(&html, "groups-claim").as_deref(), Some("None"));
    let (_, html) = page(&b, &h, &format!("{tab}?tab=signon&edit=groups-claim")).await;
    for label in [
        "<span class=\"caption\">Groups claim type</span>",
        "<label for=\"groups-claim-type-filter\">Filter</label>",
        "<label for=\"groups-claim-name\">Groups claim filter</label>",
        ">Matches regex</option>",
    ] {
        assert!(html.contains(label), "{label}");
    }

    let save = |name: &'static str, filter: &'static str, value: &'static str| {
        vec![
            ("groups_claim_type", "FILTER"),
            ("groups_claim_name", name),
            ("groups_claim_filter_type", filter),
            ("groups_claim_value", value),
        ]
    };
    let res = post(
        &b,
        &h,
        &format!("{tab}/signon"),
        &t,
        &save("groups", "REGEX", "("),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        data_se(&res.text, "error-groups-claim-value").as_deref(),
        Some("The regular expression is not valid")
    );
    let res = post(
        &b,
        &h,
        &format!("{tab}/signon"),
        &t,
        &save("sub", "REGEX", ".*"),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        data_se(&res.text, "error-groups-claim-name").as_deref(),
        Some("The claim name &#39;sub&#39; is reserved by Okta")
    );
    assert_eq!(get(&h, &api).await.json, json!({"issuerMode": "ORG_URL"}));

    let res = post(
        &b,
        &h,
        &format!("{tab}/signon"),
        &t,
        &save("groups", "REGEX", ".*"),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), format!("{tab}?tab=signon#tab-signon"));
    let set = get(&h, &api).await.json;
    assert_eq!(set["name"], "groups");
    assert_eq!(set["groupFilterType"], "REGEX");
    assert_eq!(set["value"], ".*");
    let (_, html) = page(&b, &h, &format!("{tab}?tab=signon")).await;
    assert_eq!(
        data_se(&html, "groups-claim").as_deref(),
        Some("groups Matches regex .*")
    );

    // The org server's ID token carries it with the groups scope.
    let session = session_token(&h, USER.0, USER.1).await;
    let url = authorize_url(
        &h,
        &app.client_id,
        &[("sessionToken", &session), ("scope", "openid groups")],
    )
    .replace("/oauth2/default/v1/", "/oauth2/v1/");
    let code = params(&location(&h.http.get(&url).reply().await))["code"].clone();
    let tokens = h
        .http
        .post(h.url("/oauth2/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .reply()
        .await;
    let (_, id) = jwt_parts(tokens.json["id_token"].as_str().expect("id_token"));
    assert_eq!(id["groups"], json!(["Everyone"]));

    let res = post(
        &b,
        &h,
        &format!("{tab}/signon"),
        &t,
        &save("groups", "REGEX", ""),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(get(&h, &api).await.json, json!({"issuerMode": "ORG_URL"}));
    h.okta.shutdown().await;
}
