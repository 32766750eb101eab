Feature: Okta's admin changes the org after the set-up
  What Konnect's login does when an Okta admin changes the Okta app or the org after Okta was
  set up as Konnect's identity provider, and what puts it right.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization

  Scenario: A client secret rotated in Okta breaks Konnect's login until Konnect has the new one
    Given I have logged in to Konnect through Okta as a member
    When I log out of Konnect
    And an Okta admin rotates the Okta app's client secret
    And I paste the login URL into the browser
    Then Konnect shows a login error that names the client authentication
    When the organization admin gives Konnect the Okta app's new client secret
    And I paste the login URL into the browser
    Then I am logged in to Konnect as a member

  Scenario: An Okta admin ends the member's Okta sessions and the next login asks for the password
    Given I have logged in to Konnect through Okta as a member
    When I log out of Konnect
    And an Okta admin ends the Okta sessions of a member
    And I paste the login URL into the browser
    Then I see the Okta login screen
    When I log in to Okta as a member
    Then I am logged in to Konnect as a member

  @mock-only
  Scenario: An expired password is changed on Okta's page and the login continues to Konnect
    Mock-only: it changes the member's Okta password, which a real org's password history would
    not let the run put back.

    When an Okta admin expires the password of a member
    And I paste the login URL into the browser
    And I log in to Okta as a member
    And I choose a new password on Okta's page
    Then I am logged in to Konnect as a member

  @mock-only
  Scenario: A policy that excludes Konnect's app ends on a clear Konnect error page
    Mock-only: it changes the org's Default Policy, which every app of a real org relies on.

    When an Okta admin narrows the Default Policy to another app
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a login error saying "Policy evaluation failed"

  @mock-only
  Scenario: Konnect logs in through a custom authorization server an Okta admin created
    Mock-only: the run does not delete the authorization server it creates.

    When an Okta admin creates an authorization server with a policy for every app
    And the organization admin gives Konnect that authorization server's issuer
    And I paste the login URL into the browser
    And I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And the login went through that authorization server
