@lifecycle @smoke
Feature: An LPA's life through the store
  The canonical path of a lasting power of attorney, as each consumer drives it: Make and
  register an LPA submits it and records the signatures, Sirius starts the statutory waiting
  period and registers it, and Use an LPA reads it.

  Background:
    Given the LPA store runs on a Postgres database of its own

  Scenario: Make and register an LPA submits an LPA and records every signature
    When Make and register an LPA submits a new LPA
    Then the store answers 201
    When Make and register an LPA records every signature
    Then every answer was 201
    And Sirius sees the LPA with status "in-progress"

  Scenario: Sirius takes a signed LPA through the waiting period to registration
    Given an LPA signed by everyone
    When Sirius starts the statutory waiting period
    Then the store answers 201
    When Sirius registers the LPA
    Then the store answers 201
    And Use an LPA sees the LPA with status "registered"

  Scenario: Sirius reads the change history of a registered LPA
    Given an LPA signed by everyone
    When Sirius starts the statutory waiting period
    And Sirius registers the LPA
    And Sirius reads the change history
    Then the change history lists 6 updates, newest first, ending with "REGISTER"

  Scenario: Submitting the same LPA twice stores it once
    Given an LPA that Make and register an LPA submitted
    When Make and register an LPA submits the LPA again
    Then Make and register an LPA is told the LPA already exists, which it takes as success
    And the LPA was stored once, as submitted

  Scenario Outline: <consumer> reads an LPA
    Given an LPA that Make and register an LPA submitted
    When <consumer> reads the LPA
    Then the store answers 200
    And every answer arrived within the database bound

    @consumer-make-and-register
    Examples: Make and register an LPA
      | consumer                 |
      | Make and register an LPA |

    @consumer-use-an-lpa
    Examples: Use an LPA
      | consumer   |
      | Use an LPA |

    @consumer-sirius
    Examples: Sirius
      | consumer |
      | Sirius   |
