@http-faults
Feature: HTTP faults on the store's API, met by the consumers' retries and timeouts
  Between a consumer and the store there is a network and a gateway, and they fail too: answers
  arrive late, connections are reset, a gateway answers an error, or nothing answers at all.
  Each fault is aimed at one consumer. A consumer told to retry waits as Retry-After says; one
  with a timeout gives up in time; a create whose answer was lost is retried safely.

  Background:
    Given the LPA store runs on a Postgres database of its own
    And an LPA that Make and register an LPA submitted

  @consumer-use-an-lpa
  Scenario: Latency on the API makes the answer late, not wrong
    Given the store's API answers Use an LPA 400 ms late
    When Use an LPA reads the LPA
    Then the store answers 200
    And the answer took at least 400 ms

  Scenario Outline: <consumer> retries a read after <count> answers of 503 and gets the LPA
    Given each consumer tries a request up to 3 times, waiting as Retry-After says
    And the store's API answers 503 to the next <count> requests from <consumer>
    When <consumer> reads the LPA
    Then the store answers 200
    And <consumer> got its answer after <attempts> attempts

    Examples:
      | consumer                 | count | attempts |
      | Use an LPA               | 1     | 2        |
      | Sirius                   | 2     | 3        |

  Scenario Outline: Without retries, <consumer> sees the gateway's <status> as it is
    Given the store's API answers <status> to the next 1 requests from <consumer>
    When <consumer> reads the LPA
    Then the store answers <status>
    When <consumer> reads the LPA
    Then the store answers 200

    Examples:
      | consumer                 | status |
      | Make and register an LPA | 500    |
      | Use an LPA               | 502    |
      | Sirius                   | 504    |

  @smoke
  Scenario: A 503 from the API tells the consumer when to retry
    Given the store's API answers 503 to the next 1 requests from Sirius
    When Sirius updates the LPA
    Then Sirius is told the store is unavailable, with a Retry-After

  Scenario: A reset before the store sees the request is retried and succeeds
    Given the store's API resets the next connection from Sirius before the store sees the request
    When Sirius reads the LPA
    Then Sirius got no answer: the connection was closed
    Given each consumer tries a request up to 2 times, waiting as Retry-After says
    And the store's API resets the next connection from Sirius before the store sees the request
    When Sirius updates the LPA
    Then the store answers 201
    And Sirius got its answer after 2 attempts

  @consumer-make-and-register
  Scenario: A create whose answer was lost is retried, and the LPA is stored once
    Given each consumer tries a request up to 2 times, waiting as Retry-After says
    And the store's API resets the next connection from Make and register an LPA after the store has done the work
    When Make and register an LPA submits a new LPA
    Then Make and register an LPA is told the LPA already exists, which it takes as success
    And Make and register an LPA got its answer after 2 attempts
    And the LPA was stored once, as submitted

  @consumer-use-an-lpa
  Scenario: A consumer gives up on a hung API within its timeout, and the others are served
    Given each consumer gives up on a request after 1000 ms
    And the store's API hangs on every request from Use an LPA
    When Use an LPA reads the LPA
    Then Use an LPA gave up waiting, within 2000 ms
    When Sirius reads the LPA
    Then the store answers 200
