@okta_admin_console
Feature: Map Okta groups to Konnect teams through Okta's groups claim
  Beyond the 2021 guide, toward Okta and Konnect today: an Okta admin adds a groups claim to the
  default authorization server, a Konnect admin maps the Okta group "Konnect Admins" to the
  Organization Admin team, and every login through Okta sets the member's teams from the claim.
  With Konnect Mapping Enabled, admins assign teams in Konnect and the Okta groups change nothing.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization
    And I am signed in to the Okta Admin Console as an administrator
    When I add a groups claim "groups" to the default authorization server for groups starting with "Konnect"
    And I add a member to the Okta group "Konnect Admins"
    And I sign out of Okta
    And I log in to Konnect with email and password as an organization admin
    And I open Settings, Identity Management, Team Mappings
    And I map the Okta group "Konnect Admins" to the "Organization Admin" team
    Then Konnect shows the Okta group "Konnect Admins" mapped to the "Organization Admin" team

  Scenario: A member of the Okta group "Konnect Admins" logs in through Okta as an Organization Admin
    When I log out of Konnect
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And Konnect shows me in the "Organization Admin" team
    And I can open Identity Management

  Scenario: Removed from the Okta group, at the next login the member is a member again
    When I log out of Konnect
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows me in the "Organization Admin" team
    When I log out of Konnect
    And I sign out of Okta
    Given I am signed in to the Okta Admin Console as an administrator
    When I remove a member from the Okta group "Konnect Admins"
    And I sign out of Okta
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And Konnect shows me in no team
    When I open the Identity Management settings directly
    Then Konnect says that only an Organization Admin may open it

  Scenario: With Konnect Mapping Enabled the Okta groups change nothing
    When I turn on Konnect Mapping
    And I log out of Konnect
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And Konnect shows me in no team
    When I open the Identity Management settings directly
    Then Konnect says that only an Organization Admin may open it
