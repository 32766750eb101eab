Feature: Set the default IdP for Konnect Cloud
  The guide's second part: paste the Okta app's Client ID, Client Secret and Issuer into
  Konnect under Settings > Identity Management > Okta, save, and copy the login URL.

  Background:
    Given an Okta web application for Konnect whose sign-in redirect URI is the Konnect login URI

  Scenario: An organization admin configures Okta in Konnect
    Given I have logged in to Konnect with email and password as an organization admin
    When I open Settings, Identity Management, Okta
    And I paste the Okta application's Client ID and Client Secret
    And I enter the issuer "https://{OKTA_DOMAIN}/oauth2/default" of the Okta org
    And I save the Okta settings
    Then Konnect shows the generated login URL
    And I copy the login URL

  Scenario: A wrong issuer is refused with a clear message
    Given I have logged in to Konnect with email and password as an organization admin
    When I open Settings, Identity Management, Okta
    And I paste the Okta application's Client ID and Client Secret
    And I enter the issuer "https://{OKTA_DOMAIN}/oauth2/nope" of the Okta org
    And I save the Okta settings
    Then Konnect refuses the settings saying "issuer"
