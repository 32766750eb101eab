Feature: Map Okta groups to Konnect teams
  Beyond the 2021 guide, toward Konnect today: on the Team Mappings page a Konnect admin maps
  Okta groups to Konnect teams, and every login through Okta then sets the user's teams from the
  groups in Okta's groups claim. A member of the Okta group mapped to the Organization Admin team
  is an Organization Admin; with Konnect Mapping Enabled, admins assign teams in Konnect and the
  Okta groups change nothing.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization
    And I have logged in to Konnect with email and password as an organization admin

  Scenario: The organization's owner is in the Organization Admin team
    Then Konnect shows me in the "Organization Admin" team
    And I can open Identity Management

  Scenario: Team mappings need at least one group mapped
    When I open Settings, Identity Management, Team Mappings
    And I save the team mappings without any group
    Then Konnect refuses the team mappings saying "You must have at least one group mapped to save configuration changes"

  Scenario: A Konnect admin maps the Okta group "Konnect Admins" to the Organization Admin team
    When I open Settings, Identity Management, Team Mappings
    And I map the Okta group "Konnect Admins" to the "Organization Admin" team
    Then Konnect shows the Okta group "Konnect Admins" mapped to the "Organization Admin" team

  Scenario: A Konnect admin turns on Konnect Mapping
    When I open Settings, Identity Management, Team Mappings
    And I map the Okta group "Konnect Admins" to the "Organization Admin" team
    And I turn on Konnect Mapping
    Then Konnect shows Konnect Mapping turned on

  Scenario: A member in no mapped Okta group logs in through Okta and is no Organization Admin
    When I open Settings, Identity Management, Team Mappings
    And I map the Okta group "Konnect Admins" to the "Organization Admin" team
    And I log out of Konnect
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And Konnect shows me in no team
    When I open the Identity Management settings directly
    Then Konnect says that only an Organization Admin may open it
