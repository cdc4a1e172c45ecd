@consumer-under-test
Feature: A consumer's own service copes with the store's downtime, judged from the store's side
  The consumer under test is a team's real service, in any language, named by a TOML file
  (LPA_CONSUMER_UNDER_TEST; by default the well-behaved example in examples/consumer/). Each
  scenario starts the store and the service, drives the service through its own interface, and
  judges what it did to the store from the store's request journal: how often it asked, how
  long it waited, whether what its users handed it reached the store. A failing step names the
  misbehaviour and shows the journal lines that prove it.

  Background:
    Given the consumer under test runs against the LPA store

  Scenario: The database goes offline while a user submits an LPA
    When the database is cut off at the network
    And the consumer under test does "submit an LPA"
    And 1500 ms pass
    And the database comes back
    Then every write the consumer under test accepted from its user reached the store within 15 s
    And the consumer under test waited as long as Retry-After said before asking again
    And the consumer under test never sent more than 5 requests a second during the outage

  Scenario: The database hangs while a user reads an LPA
    When the consumer under test does "submit an LPA"
    And the database hangs at the network
    And the consumer under test does "read the LPA"
    Then the consumer under test gave its user an answer within 4000 ms
    And the consumer under test retried a call at most 2 times

  Scenario: The database flaps while users submit LPAs
    When the database flaps, down and up in turn for 2000 ms each
    And the consumer under test does "submit an LPA"
    And the consumer under test does "submit an LPA"
    And the consumer under test does "submit an LPA"
    And 1500 ms pass
    And the database comes back
    Then every write the consumer under test accepted from its user reached the store within 20 s
    And the consumer under test waited as long as Retry-After said before asking again
    And the consumer under test never sent more than 5 requests a second during the outage

  Scenario: The store's API answers 503 with Retry-After
    Given the store's API answers 503 with Retry-After 2 to the next 2 requests from the consumer under test
    When the consumer under test does "submit an LPA"
    Then the consumer under test waited as long as Retry-After said before asking again
    And every write the consumer under test accepted from its user reached the store within 15 s
    And the consumer under test retried a call at most 3 times

  Scenario: The store's API refuses again and again
    Given the store's API answers 503 with Retry-After 1 to the next 4 requests from the consumer under test
    When the consumer under test does "submit an LPA"
    Then the consumer under test never sent more than 3 requests a second during the outage
    And every write the consumer under test accepted from its user reached the store within 15 s

  Scenario: The store answers slowly
    Given the store's API answers the consumer under test 800 ms late
    When the consumer under test does "submit an LPA"
    And the consumer under test does "read the LPA"
    Then every write the consumer under test accepted from its user reached the store within 10 s
    And the consumer under test retried a call at most 0 times
    And the consumer under test made no call outside its pact
