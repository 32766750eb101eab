Feature: Log in with Okta
  The guide's third part: paste the login URL into a browser, see the Okta login screen,
  log in, and land in Konnect.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization

  Scenario: A member logs in through the organization's login URL
    When I paste the login URL into the browser
    Then I see the Okta login screen
    When I log in to Okta as a member
    Then I am logged in to Konnect as a member
    And Okta's System Log has a "user.session.start" event for a member with outcome "SUCCESS"
    And Okta's System Log has a "user.authentication.sso" event for a member with outcome "SUCCESS"

  Scenario: A second login uses the Okta session
    Given I have logged in to Konnect through Okta as a member
    When I log out of Konnect
    And I paste the login URL into the browser
    Then I am logged in to Konnect as a member
