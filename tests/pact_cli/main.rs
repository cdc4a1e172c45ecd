//! The official Pact verifier (`pact verifier` from the PyPI package `pact-python-cli`) against
//! a plain `lpa-sim serve`, as provider CI runs it: no flags beyond the store, the standard
//! state-change URL, with and without `--state-change-teardown`, with the tokens the pacts
//! recorded and with one token supplied by the provider as OPG's own workflow sends it.
//!
//! The CLI comes from `ci/pact-cli.sh`, which installs it when it is missing: these tests never
//! skip for want of it.

mod official;

use std::collections::BTreeSet;

use official::{Outcome, Verification, committed_pacts, opg_pacts};
use testkit::postgres::TestDatabase;
use testkit::process::SimProcess;

/// The interactions whose request is only right with the token the pact recorded: the store
/// checks that an actor who opts out is the JWT's subject, so a Sirius staff token cannot stand
/// in for the attorney's or the trust corporation's own.
const DEPEND_ON_THE_SUBJECT: &[&str] = &[
    "a request for an attorney to opt out",
    "a request for a trust corporation to opt out",
];

fn plain_serve() -> SimProcess {
    SimProcess::start(&[]).expect("lpa-sim serve starts")
}

async fn serve_on_postgres() -> (TestDatabase, SimProcess) {
    let database = TestDatabase::start().await.expect("a Postgres database");
    let sim = SimProcess::start(&["--store", "postgres", "--database-url", &database.url])
        .expect("lpa-sim serve --store postgres starts");
    (database, sim)
}

fn every_committed_interaction_passes(outcome: &Outcome) {
    outcome.assert_all_passed();
    assert_eq!(
        outcome.total(),
        45,
        "the committed pacts hold 45 interactions\n{}",
        outcome.output
    );
}

#[test]
fn the_official_verifier_passes_every_committed_interaction_without_teardowns() {
    let sim = plain_serve();
    let outcome = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .run();
    every_committed_interaction_passes(&outcome);
}

#[test]
fn the_official_verifier_passes_every_committed_interaction_with_teardowns() {
    let sim = plain_serve();
    let outcome = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .teardown()
        .run();
    every_committed_interaction_passes(&outcome);
}

#[test]
fn the_official_verifier_passes_every_committed_interaction_with_each_consumer_held_to_its_contract()
 {
    let pacts = committed_pacts();
    let sim = SimProcess::start(&[
        "--contracts",
        pacts.to_str().unwrap(),
        "--scopes",
        "enforce",
    ])
    .expect("lpa-sim serve --scopes enforce starts");
    let outcome = Verification::new(&sim.address).pacts(pacts).run();
    every_committed_interaction_passes(&outcome);
}

#[test]
fn verifying_the_same_simulator_twice_passes_both_times() {
    let sim = plain_serve();
    for round in 1..=2 {
        let outcome = Verification::new(&sim.address)
            .pacts(committed_pacts())
            .run();
        assert!(outcome.failed().is_empty(), "round {round}");
        every_committed_interaction_passes(&outcome);
    }
}

#[tokio::test]
async fn the_official_verifier_passes_every_committed_interaction_on_postgres_without_teardowns() {
    let (_database, sim) = serve_on_postgres().await;
    let outcome = tokio::task::spawn_blocking(move || {
        Verification::new(&sim.address)
            .pacts(committed_pacts())
            .run()
    })
    .await
    .unwrap();
    every_committed_interaction_passes(&outcome);
}

#[tokio::test]
async fn the_official_verifier_passes_every_committed_interaction_on_postgres_with_teardowns() {
    let (_database, sim) = serve_on_postgres().await;
    let outcome = tokio::task::spawn_blocking(move || {
        Verification::new(&sim.address)
            .pacts(committed_pacts())
            .teardown()
            .run()
    })
    .await
    .unwrap();
    every_committed_interaction_passes(&outcome);
}

#[test]
fn a_provider_supplied_token_passes_every_interaction_that_does_not_depend_on_the_subject() {
    // OPG's provider workflow sends one Sirius token with every request.
    let sim = plain_serve();
    let token = official::sirius_token();
    let outcome = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .header("X-Jwt-Authorization", &format!("Bearer {token}"))
        .run();

    let failed: BTreeSet<&str> = outcome.failed().into_iter().collect();
    let expected: BTreeSet<&str> = DEPEND_ON_THE_SUBJECT.iter().copied().collect();
    assert_eq!(
        failed, expected,
        "with one Sirius token, only the opt-outs should fail\n{}",
        outcome.output
    );
    assert_eq!(outcome.total(), 45, "{}", outcome.output);
}

#[test]
fn a_provider_supplied_token_for_the_opting_out_actor_passes_the_opt_outs() {
    // The documented way to verify the subject-bound interactions with a supplied token: one
    // run per actor, with that actor's URN as subject.
    let sim = plain_serve();
    for (description, consumer, subject) in [
        (
            DEPEND_ON_THE_SUBJECT[0],
            "opg.poas.makeregister",
            "urn:opg:poas:makeregister:users:9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e",
        ),
        (
            DEPEND_ON_THE_SUBJECT[1],
            "opg.poas.makeregister",
            "urn:opg:poas:makeregister:users:1b2c3d4e-5f60-4718-89ab-cdef01234567",
        ),
    ] {
        let token = official::token(consumer, subject);
        let outcome = Verification::new(&sim.address)
            .pacts(committed_pacts())
            .header("X-Jwt-Authorization", &format!("Bearer {token}"))
            .only(description)
            .run();
        outcome.assert_all_passed();
        assert_eq!(outcome.total(), 1, "{}", outcome.output);
    }
}

#[test]
fn the_real_modernising_lpa_contract_passes_with_the_providers_token() {
    // OPG's own consumer contract records no token: its provider CI supplies one.
    let sim = plain_serve();
    let token = official::sirius_token();
    for teardown in [false, true] {
        let mut verification = Verification::new(&sim.address)
            .pacts(opg_pacts())
            .header("X-Jwt-Authorization", &format!("Bearer {token}"));
        if teardown {
            verification = verification.teardown();
        }
        let outcome = verification.run();
        outcome.assert_all_passed();
        assert_eq!(outcome.total(), 9, "{}", outcome.output);
    }
}

#[tokio::test]
async fn the_real_modernising_lpa_contract_passes_on_postgres() {
    let (_database, sim) = serve_on_postgres().await;
    let outcome = tokio::task::spawn_blocking(move || {
        Verification::new(&sim.address)
            .pacts(opg_pacts())
            .header(
                "X-Jwt-Authorization",
                &format!("Bearer {}", official::sirius_token()),
            )
            .run()
    })
    .await
    .unwrap();
    outcome.assert_all_passed();
    assert_eq!(outcome.total(), 9, "{}", outcome.output);
}

#[test]
fn the_official_verifier_passes_the_admin_token_to_the_state_change_url() {
    // A simulator whose admin routes need a token, as on a shared network.
    let sim =
        SimProcess::start(&["--admin-token", "provider-ci-token"]).expect("lpa-sim serve starts");
    let without = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .only("a request for an LPA")
        .run();
    let with = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .header("Authorization", "Bearer provider-ci-token")
        .run();

    assert!(!without.succeeded, "{}", without.output);
    assert_eq!(
        without.failed(),
        ["a request for an LPA", "a request for an LPA"],
        "without the token no state can be set up\n{}",
        without.output
    );
    with.assert_all_passed();
    assert_eq!(with.total(), 45, "{}", with.output);
}

#[test]
fn a_provider_that_breaks_the_contract_fails_the_official_verifier() {
    // The check above can fail: a provider without the state-change URL cannot set up any
    // LPA, so interactions that need one fail, and the report names them.
    let sim = plain_serve();
    let outcome = Verification::new(&sim.address)
        .pacts(committed_pacts())
        .without_state_change_url()
        .run();
    assert!(!outcome.succeeded, "{}", outcome.output);
    assert!(
        outcome
            .failed()
            .contains(&"a request to store an LPA that already exists"),
        "failed: {:?}\n{}",
        outcome.failed(),
        outcome.output
    );
}
