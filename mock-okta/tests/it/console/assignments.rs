//! The Assignments tab: people and groups assigned and removed.

use super::*;

#[tokio::test]
async fn the_assignments_tab_assigns_and_removes_people_and_groups() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let id = create_in_console(
        &b,
        &h,
        &t,
        &[
            ("label", "Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("assignment", "skip"),
        ],
    )
    .await;
    let path = format!("/admin/app/oidc_client/instance/{id}");
    let tab = format!("{path}?tab=assignments");
    let (status, html) = page(&b, &h, &tab).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"assign-person\">Assign to People</label>"));
    assert!(html.contains("<label for=\"assign-group\">Assign to Groups</label>"));
    assert!(html.contains("No people are assigned directly."));
    assert!(html.contains("No groups are assigned."));
    assert!(html.contains(">Everyone</option>"));

    let dir = h.okta.directory();
    let user = dir.user(USER.0).expect("user");
    let everyone = dir.everyone().id;
    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), tab);
    let assigned: Value = h
        .api(Method::GET, &format!("/api/v1/apps/{id}/users"))
        .reply()
        .await
        .json;
    assert_eq!(assigned[0]["id"].as_str(), Some(user.id.as_str()));
    assert_eq!(assigned[0]["scope"], "USER");
    let (_, html) = page(&b, &h, &tab).await;
    assert!(html.contains(&format!("<td>{}</td>", USER.0)));

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "assigned twice");
    assert!(
        res.text
            .contains("The specified user is already assigned to the application.")
    );

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/groups"),
        &t,
        &[("group_id", &everyone)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = dir.app(&id).expect("app");
    assert!(app.groups.contains_key(&everyone));
    let (_, html) = page(&b, &h, &tab).await;
    assert!(html.contains("<td>Everyone</td>"));

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people/remove"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/groups/remove"),
        &t,
        &[("group_id", &everyone)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = dir.app(&id).expect("app");
    assert!(app.users.is_empty() && app.groups.is_empty());
    assert!(!dir.is_assigned(&app, &user.id));
}
