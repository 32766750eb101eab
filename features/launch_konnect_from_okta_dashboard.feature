@okta_admin_console
Feature: Konnect as a dashboard app in Okta
  The guide's optional part: make Konnect a tile on the Okta end-user dashboard.

  Background:
    Given Okta is set up as the identity provider of the Konnect organization

  Scenario: A user clicks the Konnect tile and lands in Konnect
    Given I am signed in to the Okta Admin Console as an administrator
    When I open the Konnect app integration and edit its General Settings
    And I tick the "Implicit (hybrid)" grant type
    And I set "Login initiated by" to "Either Okta or App"
    And I tick "Display application icon to users"
    And I set the Initiate login URI to the Konnect login URL
    And I save the General Settings
    And I sign out of Okta
    And I sign in to the Okta dashboard as a member
    And I click the Konnect tile
    Then I am logged in to Konnect as a member

  Scenario: Either Okta or App needs an Initiate login URI
    Given I am signed in to the Okta Admin Console as an administrator
    When I open the Konnect app integration and edit its General Settings
    And I set "Login initiated by" to "Either Okta or App"
    And I save the General Settings
    Then Okta refuses the General Settings
