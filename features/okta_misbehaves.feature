Feature: Okta misbehaves
  What Konnect does when Okta fails, is slow, is down, rotates its signing key or when time
  passes, and what the login sent over the wire. Only the mocks can be made to misbehave (their
  /__mock test-control API), so every scenario here is @mock-only.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization

  @mock-only
  Scenario: Okta's token endpoint fails once and Konnect shows a clear error page
    Mock-only: it makes Okta's token endpoint answer 503 through mock-okta's control API.

    Given Okta's token endpoint answers 503 once
    When I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a login error saying "not available right now"
    When I paste the login URL into the browser
    Then I am logged in to Konnect as a member

  @mock-only
  Scenario: Okta rate-limits the token endpoint and Konnect says so
    Mock-only: it makes Okta's token endpoint answer 429 through mock-okta's control API.

    Given Okta rate-limits the token endpoint
    When I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a login error saying "too many requests"

  @mock-only
  Scenario: Okta is slower than Konnect waits and Konnect answers with a timeout page in time
    Mock-only: it delays Okta's token endpoint through mock-okta's control API, by more than
    konnect-stub's configured provider timeout.

    Given Okta's token endpoint is slower than Konnect waits
    When I paste the login URL into the browser
    And I log in to Okta as a member
    Then Konnect shows a timeout page before Okta answers

  @mock-only
  Scenario: Okta is down and Konnect refuses to use it
    Mock-only: it makes every Okta endpoint close its connections through mock-okta's control
    API.

    Given I have logged in to Konnect with email and password as an organization admin
    And Okta is down
    When I open Settings, Identity Management, Okta
    And I paste the Okta application's Client ID and Client Secret
    And I enter the issuer "https://{OKTA_DOMAIN}/oauth2/default" of the Okta org
    And I save the Okta settings
    Then Konnect refuses the settings saying "could not be reached"

  @mock-only
  Scenario: Okta rotates its signing key and the next login still works
    Mock-only: it rotates mock-okta's signing key through its control API.

    Given I have logged in to Konnect through Okta as a member
    When I log out of Konnect
    And Okta rotates its signing key
    And I paste the login URL into the browser
    Then I am logged in to Konnect as a member
    And Konnect fetched Okta's new signing key

  @mock-only
  Scenario: After a long absence the Konnect session has expired and the member logs in again
    Mock-only: it moves mock-okta's and konnect-stub's clocks through their control APIs.
    Konnect's sessions last 12 hours and Okta's 2, so both are over.

    Given I have logged in to Konnect through Okta as a member
    When 13 hours pass
    And I come back to Konnect
    Then Konnect asks me to log in again
    When I paste the login URL into the browser
    Then I see the Okta login screen
    When I log in to Okta as a member
    Then I am logged in to Konnect as a member

  @mock-only
  Scenario: The login's exchanges follow the guide's security settings
    Mock-only: it reads mock-okta's journal of requests through its control API.

    Given I have logged in to Konnect through Okta as a member
    Then the login used PKCE with S256
    And the login sent state and nonce
    And Konnect authenticated to Okta's token endpoint with client_secret_basic
    And the code was redeemed exactly once
