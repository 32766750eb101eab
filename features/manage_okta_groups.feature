@okta_admin_console
Feature: Manage Okta groups and the groups claim
  Before Okta groups can become Konnect teams, Okta must say which groups a person is in: an
  Okta admin adds a groups claim to the default authorization server and puts people into
  groups in the Admin Console, and the ID token Okta issues lists them.

  Background:
    Given an Okta web application for Konnect whose sign-in redirect URI is the Konnect login URI
    And I am signed in to the Okta Admin Console as an administrator

  Scenario: A member added to an Okta group finds it in their ID token until removed
    When I add a groups claim "groups" to the default authorization server for groups starting with "Konnect"
    And I add a member to the Okta group "Konnect Admins"
    Then Okta's ID token for a member lists the group "Konnect Admins"
    When I remove a member from the Okta group "Konnect Admins"
    Then Okta's ID token for a member does not list the group "Konnect Admins"

  Scenario: A group the claim's filter does not match stays out of the ID token
    When I add a groups claim "groups" to the default authorization server for groups starting with "Konnect"
    And I add a member to the Okta group "Sales"
    And I add a member to the Okta group "Konnect Developers"
    Then Okta's ID token for a member lists the group "Konnect Developers"
    And Okta's ID token for a member does not list the group "Sales"
