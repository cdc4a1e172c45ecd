//! Use an LPA (`use-an-lpa`): read-only. It reads registered LPAs with presigned scans, reads
//! several at once (unknown UIDs left out), learns when an LPA does not exist, checks the
//! store's health, and relies on a 503 with `Retry-After` while the database is offline.

use contracts::{Client, Error, Image, Images, Status, USE_ISSUER};
use pact_consumer::patterns::JsonPattern;
use serde_json::{Value, json};

use crate::support::client_of;
use crate::support::contract::{Contract, reply, reply_json, request_json, signed};
use crate::support::fixture::{ATTORNEY_UID, DONOR_UID, TRUST_CORPORATION_UID};
use crate::support::outage::{EXAMPLE_RETRY_AFTER_SECS, unavailable};
use crate::support::problem::not_found;
use crate::support::provider_state::{
    database_offline, lpa_does_not_exist, lpa_registered, lpa_registered_with_scans,
};
use crate::support::shape::{Side, regex, shape};

/// The consumer's name in Pact.
pub(crate) const CONSUMER: &str = "use-an-lpa";

/// A registered LPA with scans; a UID in the earlier "safe alphabet" format.
const WITH_SCANS: &str = "M-789Q-P4DF-4UX3";
const REGISTERED: &str = "M-0000-4444-1111";
const UNKNOWN: &str = "M-0000-4444-2222";
const MISSING: &str = "M-0000-4444-3333";
const READ_OFFLINE: &str = "M-0000-4444-4444";

/// The user Use an LPA acts for (its auditable id).
const SUBJECT: &str = "urn:opg:poas:use:users:b1a2c3d4-e5f6-4789-8abc-def012345678";

/// The fields Use an LPA maps into its combined LPA format.
fn lpa_reply(uid: &str) -> Value {
    let address = json!({ "line1": "71 South Western Terrace", "town": "Milton", "country": "AU" });
    json!({
        "uid": uid,
        "status": "registered",
        "lpaType": "personal-welfare",
        "channel": "online",
        "donor": {
            "uid": DONOR_UID,
            "firstNames": "Homer",
            "lastName": "Zoller",
            "dateOfBirth": "1960-04-06",
            "address": { "line1": "79 Bury Rd", "town": "Hampton Lovett", "country": "GB" },
        },
        "attorneys": [{
            "uid": ATTORNEY_UID,
            "firstNames": "Jake",
            "lastName": "Vallar",
            "dateOfBirth": "2001-01-17",
            "status": "active",
            "appointmentType": "original",
            "channel": "paper",
            "address": address,
        }],
        "trustCorporations": [{
            "uid": TRUST_CORPORATION_UID,
            "name": "Trust us Corp.",
            "companyNumber": "666123321",
            "status": "active",
            "appointmentType": "original",
            "channel": "paper",
            "address": { "line1": "103 Line 1", "town": "Town", "country": "GB" },
        }],
        "howAttorneysMakeDecisions": "jointly",
        "lifeSustainingTreatmentOption": "option-a",
        "signedAt": "2000-01-02T12:13:14Z",
        "registrationDate": "2024-02-01T10:00:00Z",
        "updatedAt": "2024-01-01T09:00:00Z",
    })
}

/// As [`lpa_reply`], with restrictions and their scans as presigned URLs.
fn lpa_with_scans_pattern() -> JsonPattern {
    let mut lpa = lpa_reply(WITH_SCANS);
    lpa["channel"] = json!("paper");
    lpa["restrictionsAndConditions"] = json!("My attorneys must not sell my home");
    lpa["restrictionsAndConditionsImages"] = json!([{
        "path": "https://lpa-store.example/M-789Q-P4DF-4UX3/scans/rc_0_page.png?X-Amz-Signature=abc",
        "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    }]);
    let mut pattern = shape(&lpa, Side::Reply);
    if let JsonPattern::Object(map) = &mut pattern {
        let images = pact_consumer::patterns::EachLike::new(JsonPattern::Object(
            [
                (
                    "path".to_owned(),
                    regex(
                        "^https?://.+$",
                        lpa["restrictionsAndConditionsImages"][0]["path"]
                            .as_str()
                            .unwrap_or_default(),
                    ),
                ),
                (
                    "hash".to_owned(),
                    regex(
                        "^[0-9a-f]{64}$",
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    ),
                ),
            ]
            .into(),
        ));
        map.insert("restrictionsAndConditionsImages".to_owned(), images.into());
    }
    pattern
}

fn declare(contract: &mut Contract) {
    contract.interaction(
        "a request for a registered LPA with presigned images",
        &[lpa_registered_with_scans(WITH_SCANS)],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{WITH_SCANS}"),
                USE_ISSUER,
                SUBJECT,
            );
            i.request.query_param("presign-images", "");
            reply(i, 200, lpa_with_scans_pattern());
        },
    );
    contract.interaction(
        "a request for several LPAs, one of which does not exist",
        &[lpa_registered(REGISTERED), lpa_does_not_exist(UNKNOWN)],
        |i| {
            signed(i, "POST", "/lpas", USE_ISSUER, SUBJECT);
            request_json(i, &json!({ "uids": [REGISTERED, UNKNOWN] }));
            // Exactly one LPA: the unknown UID is left out, not answered with an error.
            let lpa = shape(&lpa_reply(REGISTERED), Side::Reply);
            let body =
                JsonPattern::Object([("lpas".to_owned(), JsonPattern::Array(vec![lpa]))].into());
            reply(i, 200, body);
        },
    );
    contract.interaction(
        "a request for an LPA that does not exist",
        &[lpa_does_not_exist(MISSING)],
        |i| {
            signed(i, "GET", &format!("/lpas/{MISSING}"), USE_ISSUER, SUBJECT);
            i.request.query_param("presign-images", "");
            not_found(i);
        },
    );
    contract.interaction("a request for the store's health", &[], |i| {
        i.request.get().path("/health-check");
        reply_json(i, 200, &json!({ "status": "ok", "statusCode": 200 }));
    });
    contract.interaction(
        "a request for an LPA while the database is offline",
        &[lpa_registered(READ_OFFLINE), database_offline()],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{READ_OFFLINE}"),
                USE_ISSUER,
                SUBJECT,
            );
            i.request.query_param("presign-images", "");
            unavailable(i);
        },
    );
}

async fn exercise(store: &Client) {
    let lpa = store
        .get(WITH_SCANS, Images::Presigned)
        .await
        .expect("the registered LPA is read");
    assert_eq!(lpa.status, Status::Registered);
    assert!(lpa.registration_date.is_some());
    match lpa.details.restrictions_and_conditions_images.first() {
        Some(Image::Stored { path, .. }) => assert!(path.starts_with("https://"), "{path}"),
        other => panic!("expected a presigned scan, got {other:?}"),
    }

    let lpas = store
        .get_many(&[REGISTERED, UNKNOWN], Images::AsStored)
        .await
        .expect("the LPAs are read");
    assert_eq!(lpas.len(), 1, "the unknown UID is left out");
    assert_eq!(lpas[0].details.trust_corporations.len(), 1);

    let missing = store.get(MISSING, Images::Presigned).await;
    assert!(matches!(missing, Err(Error::NotFound)), "{missing:?}");

    assert_eq!(
        store.health().await.expect("the store answers").status_code,
        200
    );

    let offline = store.get(READ_OFFLINE, Images::Presigned).await;
    let expected = Some(std::time::Duration::from_secs(EXAMPLE_RETRY_AFTER_SECS));
    assert!(
        matches!(offline, Err(Error::Unavailable { retry_after }) if retry_after == expected),
        "{offline:?}"
    );
}

#[tokio::test]
async fn use_an_lpa_gets_what_its_reads_rely_on_and_its_pact_is_committed() {
    let mut contract = Contract::new(CONSUMER);
    declare(&mut contract);
    {
        let server = contract.start();
        let store = client_of(server.as_ref(), USE_ISSUER, SUBJECT);
        exercise(&store).await;
    }
    contract.assert_committed();
}
