Feature: Admin fallback to basic authentication
  Authenticators can't be mixed: once Okta is on, non-admin users log in through Okta and
  only Konnect admins keep basic authentication.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization

  Scenario: An organization admin still logs in with email and password
    When I log in to Konnect with email and password as an organization admin
    Then I am logged in to Konnect as an organization admin

  Scenario: A member is refused basic authentication and shown the way to Okta
    When I log in to Konnect with email and password as a member
    Then Konnect refuses the login and links to the organization's login URL
    When I follow the link to the organization's login URL
    Then I see the Okta login screen
