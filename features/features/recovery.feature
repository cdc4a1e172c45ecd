@downtime @recovery @queue
Feature: Recovery: work accepted during an outage is completed after it
  Nothing accepted is lost. Every write the store accepted while its database was away is
  applied once the database is back, in the order it was accepted; this is checked by counting
  the operations and by comparing content: the change history, the LPA, and every submitted LPA.

  Background:
    Given the LPA store queues writes when its database is away
    And an LPA that Make and register an LPA submitted

  Scenario Outline: Corrections accepted while the database <outage> are applied in order after it
    When the database <outage>
    And Sirius corrects the donor's last name 8 times in a row
    Then every write was accepted for later, each with its own operation id
    And every answer arrived within the database bound
    When the database comes back
    Then every write accepted during the outage is applied, in the order it was accepted
    And the change history holds every correction, in the order they were sent
    And the LPA shows the last correction
    And the recovery report shows 8 writes accepted during the outage, all applied
    And the recovery report shows no write was lost

    Examples:
      | outage                    |
      | is paused                 |
      | is stopped                |
      | is cut off at the network |
      | hangs at the network      |

  @consumer-make-and-register
  Scenario: LPAs submitted while the database is stopped are all stored, as submitted
    When the database is stopped
    And Make and register an LPA submits 5 new LPAs
    Then every write was accepted for later, each with its own operation id
    When the database comes back
    Then every write accepted during the outage is applied, in the order it was accepted
    And every submitted LPA can be read, as submitted
    And the recovery report shows no write was lost

  Scenario: The recovery report times the return of a database cut off at the network
    When the database is cut off at the network
    And Sirius corrects the donor's last name 3 times in a row
    And the database comes back
    And Sirius reads the LPA
    Then the recovery report shows 3 writes accepted during the outage, all applied
    And the recovery report shows recovery took less than 5000 ms
    And the recovery report shows no write was lost

  @smoke
  Scenario: A correction that no longer matches is recorded as failed with the store's error
    When the database is paused
    And Sirius corrects the donor's last name from "Smith" to "Perkins"
    Then Sirius is told the write is accepted for later, with an operation id
    When the database comes back
    Then the write is recorded as failed with 400 and "does not match existing value" at "/changes/0/old"

  @flapping-database
  Scenario: Corrections sent while the database flaps are all applied, in order
    When the database flaps, down and up in turn for 2000 ms each
    And Sirius corrects the donor's last name 6 times in a row
    Then every answer arrived within the database bound
    When the database comes back
    Then every write accepted during the outage is applied, in the order it was accepted
    And the change history holds every correction, in the order they were sent
    And the LPA shows the last correction

  @flapping-database @consumer-make-and-register
  Scenario: LPAs submitted while the database flaps are all stored, as submitted
    When the database flaps, down and up in turn for 2000 ms each
    And Make and register an LPA submits 4 new LPAs
    Then every answer arrived within the database bound
    When the database comes back
    Then every submitted LPA can be read, as submitted
