@downtime @recovery @queue @process
Feature: Recovery after the store's process is killed during an outage
  Writes the store accepted are kept durably before it answers 202, so a store killed outright
  (SIGKILL: nothing flushed, nothing finished) while its database is away still applies every
  one of them after it is started again and the database returns: none lost, none reordered.

  Background:
    Given the LPA store runs as its own process and queues writes when its database is away
    And an LPA that Make and register an LPA submitted

  Scenario Outline: Corrections accepted before the store is killed, while the database <outage>, are applied after it restarts
    When the database <outage>
    And Sirius corrects the donor's last name 8 times in a row
    Then every write was accepted for later, each with its own operation id
    When the store's process is killed with SIGKILL and started again
    Then the store still holds 8 writes to apply
    When the database comes back
    Then every write accepted during the outage is applied, in the order it was accepted
    And the change history holds every correction, in the order they were sent
    And the LPA shows the last correction

    Examples:
      | outage                    |
      | is stopped                |
      | is paused                 |

  Scenario: LPAs submitted before the store is killed are all stored after it restarts, as submitted
    When the database is stopped
    And Make and register an LPA submits 4 new LPAs
    Then every write was accepted for later, each with its own operation id
    When the store's process is killed with SIGKILL and started again
    Then the store still holds 4 writes to apply
    When the database comes back
    Then every write accepted during the outage is applied, in the order it was accepted
    And every submitted LPA can be read, as submitted
