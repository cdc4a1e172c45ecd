@data-minimisation
Feature: Each consumer gets only what its pact says it needs
  The store's architecture gives each service access to the data it needs and nothing more. A
  consumer's pact records what it needs: the operations it calls and the fields of the answers
  it relies on. Started with the consumers' pacts, the store refuses a call outside a
  consumer's pact and sends it only the fields its pact relies on (enforcing), or answers as
  usual and reports what was outside (reporting).

  Scenario: Use an LPA reads a registered LPA and receives only its contract's fields
    Given the LPA store holds each consumer to its pact
    And an LPA that Make and register an LPA submitted
    When Make and register an LPA records every signature
    And Sirius starts the statutory waiting period
    And Sirius registers the LPA
    And Use an LPA fetches the LPA as plain JSON
    Then Use an LPA was sent only the fields its pact relies on
    And Use an LPA was not sent the certificateProvider part of the LPA

  Scenario: Use an LPA attempting an update is refused, and nothing changes
    Given the LPA store holds each consumer to its pact
    And an LPA that Make and register an LPA submitted
    When Use an LPA tries to correct the donor's last name to "Perkins"
    Then the store refused Use an LPA's call to "POST /lpas/{uid}/updates CORRECTION", naming both
    And Sirius sees the donor's last name as submitted

  Scenario: Sirius's caseworker reads keep every field its contract uses
    Given the LPA store holds each consumer to its pact
    And an LPA that Make and register an LPA submitted
    When Sirius fetches the LPA as plain JSON
    Then Sirius was sent every field of the LPA its pact relies on
    And Sirius was sent only the fields its pact relies on

  Scenario: A consumer's call outside its pact goes ahead and shows up in the report
    Given the LPA store reports what each consumer does outside its pact
    And an LPA that Make and register an LPA submitted
    When Sirius updates the LPA
    And Use an LPA fetches the change history as plain JSON
    Then the store answers 200
    And the scope report shows Use an LPA called "GET /lpas/{uid}/updates" outside its pact 1 time
    And the scope report shows Use an LPA was sent fields its pact never relies on
