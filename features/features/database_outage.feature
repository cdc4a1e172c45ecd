@downtime @fail-fast
Feature: A database outage, when the store fails fast
  While its database is away, a store that fails fast answers every request that needs the
  database with 503 and a Retry-After, within its bound on database waits, so that no consumer
  hangs on it; once the database is back, it serves again without a restart.

  The database is paused (it hangs), stopped (connections are refused), or cut off or held at
  the network by the store's database proxy.

  Background:
    Given the LPA store fails fast when its database is away
    And an LPA that Make and register an LPA submitted
    And Use an LPA reads the LPA

  Scenario Outline: <consumer> <request> while the database <outage>: told to retry later
    When the database <outage>
    And <consumer> <request>
    Then <consumer> is told the store is unavailable, with a Retry-After
    And every answer arrived within the database bound
    When the database comes back
    And <consumer> reads the LPA
    Then the store answers 200

    @consumer-make-and-register
    Examples: Make and register an LPA
      | consumer                 | request              | outage                    |
      | Make and register an LPA | submits a new LPA    | is paused                 |
      | Make and register an LPA | updates the LPA      | is stopped                |
      | Make and register an LPA | reads the LPA        | is cut off at the network |

    @consumer-use-an-lpa
    Examples: Use an LPA
      | consumer   | request       | outage                    |
      | Use an LPA | reads the LPA | is paused                 |
      | Use an LPA | reads the LPA | is stopped                |
      | Use an LPA | reads the LPA | is cut off at the network |
      | Use an LPA | reads the LPA | hangs at the network      |

    @consumer-sirius
    Examples: Sirius
      | consumer | request           | outage               |
      | Sirius   | updates the LPA   | is paused            |
      | Sirius   | submits a new LPA | is stopped           |
      | Sirius   | updates the LPA   | hangs at the network |

  @smoke
  Scenario: A write refused during an outage was not applied, so the consumer can send it again
    When the database is paused
    And Sirius updates the LPA
    Then Sirius is told the store is unavailable, with a Retry-After
    When the database comes back
    And Sirius updates the LPA
    Then the store answers 201

  @slow-database
  Scenario: A slow database that still answers within the bound only makes answers slower
    When the database becomes slow, each round trip 100 ms late
    And Use an LPA reads the LPA
    Then the store answers 200
    And the answer took at least 100 ms
    And every answer arrived within the database bound

  @slow-database
  Scenario Outline: A database slower than the bound is an outage to <consumer>
    When the database becomes slow, each round trip 2500 ms late
    And <consumer> <request>
    Then <consumer> is told the store is unavailable, with a Retry-After
    And every answer arrived within the database bound

    Examples:
      | consumer                 | request           |
      | Make and register an LPA | submits a new LPA |
      | Use an LPA               | reads the LPA     |
      | Sirius                   | updates the LPA   |

  @flapping-database
  Scenario Outline: A flapping database gives <consumer> each answer within the bound, the LPA or a Retry-After
    When the database flaps, down and up in turn for 2000 ms each
    And <consumer> reads the LPA 6 times, 400 ms apart
    Then every answer was the LPA or unavailable with a Retry-After, and the outage was seen at least once
    And every answer arrived within the database bound
    When the database comes back
    And <consumer> reads the LPA
    Then the store answers 200

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

  @flapping-database @consumer-sirius
  Scenario: Corrections sent while the database flaps all get through when Sirius retries as told
    Given each consumer tries a request up to 10 times, waiting as Retry-After says
    When the database flaps, down and up in turn for 1500 ms each
    And Sirius corrects the donor's last name 4 times in a row
    And the database comes back
    Then the change history holds every correction, in the order they were sent
    And the LPA shows the last correction
