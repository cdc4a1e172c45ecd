@downtime @queue
Feature: A database outage, when the store queues writes
  A store that queues writes keeps working while its database is away: a write that passes
  every check needing no database is accepted with 202 and an operation id, kept durably and
  applied later; a read is answered from the last state the store saw, marked stale. Checks
  that need no database still refuse bad requests at once.

  Background:
    Given the LPA store queues writes when its database is away
    And an LPA that Make and register an LPA submitted
    And Use an LPA reads the LPA

  Scenario Outline: <consumer> <request> while the database <outage>: kept for later
    When the database <outage>
    And <consumer> <request>
    Then <consumer> is told the write is accepted for later, with an operation id
    And every answer arrived within the database bound

    @consumer-make-and-register
    Examples: Make and register an LPA
      | consumer                 | request           | outage                    |
      | Make and register an LPA | submits a new LPA | is paused                 |
      | Make and register an LPA | updates the LPA   | is stopped                |
      | Make and register an LPA | updates the LPA   | hangs at the network      |

    @consumer-sirius
    Examples: Sirius
      | consumer | request           | outage                    |
      | Sirius   | updates the LPA   | is paused                 |
      | Sirius   | submits a new LPA | is cut off at the network |
      | Sirius   | updates the LPA   | is stopped                |

  Scenario Outline: <consumer> reads the LPA it saw before, marked stale, while the database <outage>
    When the database <outage>
    Then <consumer> sees the LPA as it was last read, marked stale
    And every answer arrived within the database bound

    @consumer-use-an-lpa
    Examples: Use an LPA
      | consumer   | outage                    |
      | Use an LPA | is paused                 |
      | Use an LPA | is stopped                |
      | Use an LPA | is cut off at the network |

    @consumer-make-and-register
    Examples: Make and register an LPA
      | consumer                 | outage               |
      | Make and register an LPA | hangs at the network |

    @consumer-sirius
    Examples: Sirius
      | consumer | outage     |
      | Sirius   | is stopped |

  @slow-database
  Scenario: A write to a database slower than the bound is accepted for later
    When the database becomes slow, each round trip 2500 ms late
    And Sirius updates the LPA
    Then Sirius is told the write is accepted for later, with an operation id
    And every answer arrived within the database bound

  @smoke
  Scenario: A bad write is refused at once during an outage, not accepted for later
    When the database is stopped
    And Sirius corrects the donor's last name from "Zoller" to "Zoller"
    Then the store answers 400
    And every answer arrived within the database bound
