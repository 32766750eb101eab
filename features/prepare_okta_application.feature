@okta_admin_console
Feature: Prepare the Okta application
  The guide's first part: in Okta, create the OIDC Web Application that Konnect will use,
  then copy its Client ID and Client secret.

  Scenario: An Okta admin creates the Konnect app integration
    Given I am signed in to the Okta Admin Console as an administrator
    When I go to Applications and click "Create App Integration"
    And I select "OIDC - OpenID Connect" as the sign-in method
    And I select "Web Application" as the application type and click "Next"
    And I give the app integration the unique name "Kong Konnect"
    And I keep "Authorization Code" as the only grant type
    And I enter the Konnect login redirect URI as sign-in and sign-out redirect URI
    And I save the app integration
    Then the app's General tab shows its Client ID and Client secret
    And the Okta app integration is an OIDC web application with the Konnect redirect URI

  Scenario: The app integration refuses a relative redirect URI
    Given I am signed in to the Okta Admin Console as an administrator
    When I go to Applications and click "Create App Integration"
    And I select "OIDC - OpenID Connect" as the sign-in method
    And I select "Web Application" as the application type and click "Next"
    And I give the app integration the unique name "Kong Konnect"
    And I enter "/login" as sign-in redirect URI
    And I save the app integration
    Then Okta refuses the redirect URI
