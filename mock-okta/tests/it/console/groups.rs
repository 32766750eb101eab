//! Directory > Groups: Add group, a group's People, Assign people and Remove, through the
//! same directory functions as `/api/v1/groups`.

use super::*;

#[tokio::test]
async fn add_group_then_assign_and_remove_people() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let (status, html) = page(&b, &h, "/admin/groups").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">Groups</h1>"));
    assert!(html.contains("<strong>Everyone</strong>"));
    assert!(html.contains(">Add group</a>"));
    let (_, html) = page(&b, &h, "/admin/groups?dialog=add-group").await;
    assert!(html.contains("<label for=\"group-name\">Name</label>"));
    assert!(html.contains("<label for=\"group-description\">Description</label>"));

    // A blank or taken name stays in the dialog with the error beside the field.
    for (name, message) in [
        ("", "This field cannot be left blank"),
        (
            "everyone",
            "An object with this field already exists in the current organization",
        ),
    ] {
        let res = post(
            &b,
            &h,
            "/admin/groups",
            &t,
            &[("name", name), ("description", "")],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(data_se(&res.text, "error-name").as_deref(), Some(message));
    }
    assert_eq!(
        get(&h, "/api/v1/groups")
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let res = post(
        &b,
        &h,
        "/admin/groups",
        &t,
        &[
            ("name", "Konnect Admins"),
            ("description", "Konnect's organization admins"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let group_page = location(&res);
    let group_id = group_page.rsplit('/').next().expect("id").to_owned();
    assert_eq!(group_page, format!("/admin/group/{group_id}"));
    let api = get(&h, &format!("/api/v1/groups/{group_id}")).await;
    assert_eq!(api.json["profile"]["name"], "Konnect Admins");
    assert_eq!(api.json["type"], "OKTA_GROUP");

    let (_, html) = page(&b, &h, &group_page).await;
    assert!(html.contains("No people in this group."));
    assert!(html.contains("<label for=\"assign-people\">Assign people</label>"));
    let user = h.okta.directory().user(USER.0).expect("user");
    let res = post(
        &b,
        &h,
        &format!("{group_page}/people"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let members = get(&h, &format!("/api/v1/groups/{group_id}/users")).await;
    assert_eq!(members.json[0]["profile"]["login"], USER.0);
    let (_, html) = page(&b, &h, &group_page).await;
    assert_eq!(data_se(&html, "member-username").as_deref(), Some(USER.0));
    assert!(html.contains("aria-label=\"Remove Uma User\""));

    let res = post(
        &b,
        &h,
        &format!("{group_page}/people/remove"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let members = get(&h, &format!("/api/v1/groups/{group_id}/users")).await;
    assert_eq!(members.json, json!([]));

    // Everyone's members cannot change; an unknown person is an error on the page.
    let everyone = h.okta.directory().everyone();
    let res = post(
        &b,
        &h,
        &format!("/admin/group/{}/people/remove", everyone.id),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.text
            .contains("The members of the Everyone group cannot be changed.")
    );
    let res = post(
        &b,
        &h,
        &format!("{group_page}/people"),
        &t,
        &[("user_id", "00unobody")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.text
            .contains("The selected item no longer exists. Reload the page.")
    );
    let (status, _) = page(&b, &h, "/admin/group/00gmissing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without the anti-forgery token nothing changes.
    let res = b
        .post(h.url(&format!("{group_page}/people")))
        .form(&[("user_id", user.id.as_str())])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&h, &format!("/api/v1/groups/{group_id}/users"))
            .await
            .json,
        json!([])
    );
    h.okta.shutdown().await;
}
