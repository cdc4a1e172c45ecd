//! The committed pact files are valid pacts, name their consumer and provider, and hold the
//! interactions the consumers' tests declare.

use crate::support::contract::PROVIDER;
use crate::support::operation::{CONSUMERS, load, operations};

#[test]
fn committed_pacts_parse_and_name_their_consumer_and_the_store() {
    for consumer in CONSUMERS {
        let pact = load(consumer);
        assert_eq!(pact.consumer().name, consumer);
        assert_eq!(pact.provider().name, PROVIDER);
        assert!(
            !pact.interactions().is_empty(),
            "{consumer} has no interaction"
        );
    }
}

#[test]
fn modernising_lpa_pact_covers_its_real_pact_and_every_update_it_sends() {
    let operations = operations("modernising-lpa");
    for expected in [
        "PUT /lpas/{uid}",
        "GET /lpas/{uid}",
        "POST /lpas",
        "GET /health-check",
        "POST /lpas/{uid}/updates A_TYPE",
        "POST /lpas/{uid}/updates ATTORNEY_SIGN",
        "POST /lpas/{uid}/updates TRUST_CORPORATION_SIGN",
        "POST /lpas/{uid}/updates CERTIFICATE_PROVIDER_SIGN",
        "POST /lpas/{uid}/updates CERTIFICATE_PROVIDER_OPT_OUT",
        "POST /lpas/{uid}/updates ATTORNEY_OPT_OUT",
        "POST /lpas/{uid}/updates TRUST_CORPORATION_OPT_OUT",
        "POST /lpas/{uid}/updates DONOR_CONFIRM_IDENTITY",
        "POST /lpas/{uid}/updates CERTIFICATE_PROVIDER_CONFIRM_IDENTITY",
        "POST /lpas/{uid}/updates DONOR_WITHDRAW_LPA",
        "POST /lpas/{uid}/updates PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE",
        "POST /lpas/{uid}/updates PAPER_ATTORNEY_ACCESS_ONLINE",
    ] {
        assert!(
            operations.contains(expected),
            "missing {expected} in {operations:?}"
        );
    }
    let pact = load("modernising-lpa");
    let states: Vec<String> = pact
        .interactions()
        .iter()
        .flat_map(|i| i.provider_states().into_iter().map(|s| s.name))
        .collect();
    for real in [
        "An LPA with UID M-0000-1111-2222 does not exist",
        "An LPA with UID M-0000-1111-3333 exists",
        "the LPA database is offline",
        "the LPA database is offline and writes are queued",
    ] {
        assert!(states.iter().any(|s| s == real), "missing state {real}");
    }
}

#[test]
fn use_an_lpa_pact_only_reads() {
    for operation in operations("use-an-lpa") {
        assert!(
            operation.starts_with("GET ") || operation == "POST /lpas",
            "use-an-lpa must not write: {operation}"
        );
    }
}

#[test]
fn sirius_pact_covers_caseworker_updates_registration_history_and_paper_lpas() {
    let operations = operations("sirius");
    for kind in [
        "CORRECTION",
        "POST_REGISTRATION_CORRECTION",
        "CHANGE_ATTORNEYS",
        "ATTORNEY_DECISIONS",
        "SEVER_RESTRICTIONS_AND_CONDITIONS",
        "OPG_STATUS_CHANGE",
        "STATUTORY_WAITING_PERIOD",
        "REGISTER",
    ] {
        let expected = format!("POST /lpas/{{uid}}/updates {kind}");
        assert!(operations.contains(&expected), "missing {expected}");
    }
    assert!(operations.contains("GET /lpas/{uid}/updates"));
    assert!(operations.contains("PUT /lpas/{uid}"));
}
