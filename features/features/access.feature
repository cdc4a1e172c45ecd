@access
Feature: Only the store's consumers get in, whatever the database's state
  The store checks the caller's JWT before anything else. A request with no token, an expired
  token, a token from an issuer that is not one of the store's consumers, or a token signed with
  another secret is refused with 401, also while the database is away: an outage never opens
  the door, and never turns a refusal into a 503.

  Scenario Outline: A caller with <credential> is refused with 401 while the database <state>
    Given the LPA store <mode> when its database is away
    And an LPA that Make and register an LPA submitted
    And the database <state>
    When a caller with <credential> reads the LPA
    Then the store answers 401
    And every answer arrived within the database bound

    @smoke
    Examples: The database up
      | credential                         | state        | mode       |
      | no token                           | stays online | fails fast |
      | an expired token                   | stays online | fails fast |
      | a token from an unknown issuer     | stays online | fails fast |
      | a token signed with another secret | stays online | fails fast |

    @downtime
    Examples: The database away, failing fast
      | credential                     | state                     | mode       |
      | no token                       | is paused                 | fails fast |
      | an expired token               | is stopped                | fails fast |
      | a token from an unknown issuer | is cut off at the network | fails fast |

    @downtime @queue
    Examples: The database away, queueing writes
      | credential                         | state                | mode          |
      | no token                           | is stopped           | queues writes |
      | an expired token                   | hangs at the network | queues writes |
      | a token signed with another secret | is paused            | queues writes |
