Feature: The guide's conditions
  Okta single sign-on is Enterprise-only, needs an Organization Admin, and fails clearly
  when the two sides don't match.

  @mock-only
  Scenario: Okta single sign-on is an Enterprise feature
    Mock-only: it needs a Konnect organization on the Free plan, which the runner makes by
    starting another konnect-stub; an external organization has the one plan it has.

    Given a Konnect organization on the Free plan
    And I have logged in to Konnect with email and password as an organization admin
    When I open Settings, Identity Management, Okta
    Then Konnect shows the Enterprise badge and does not offer to save

  Scenario: Identity Management needs an Organization Admin
    Given I have logged in to Konnect with email and password as a member
    When I open the Identity Management settings directly
    Then Konnect says that only an Organization Admin may open it

  Scenario: A wrong client secret gives a clear error
    Given Okta is set up as the identity provider of the Konnect organization with a wrong client secret
    When I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a login error that names the client authentication

  Scenario: A redirect URI not registered in Okta shows Okta's 400 page
    Given Okta is set up as the identity provider of the Konnect organization but the Okta app lists another redirect URI
    When I paste the login URL into the browser
    Then Okta shows its 400 error page about the redirect URI

  Scenario: A user not assigned to the Okta app is refused
    Given Okta is set up as the identity provider of the Konnect organization but the Okta app is assigned to nobody
    When I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a login error saying the user is not assigned to the application
