//! Make and register an LPA (`modernising-lpa`): every interaction of its real pact
//! (`lpa-store-domain.md` §8.2), the other updates it sends (§9), its health check, and what it
//! relies on while the store's database is offline.

use contracts::{Change, Client, Error, Images, MAKE_REGISTER_ISSUER, Status, Update, UpdateType};
use pact_consumer::patterns::{EachLike, JsonPattern};
use serde_json::{Value, json};

use crate::support::contract::{Contract, reply, reply_json, request_json, signed};
use crate::support::fixture::{
    ATTORNEY_UID, CERTIFICATE_PROVIDER_UID, DONOR_UID, TRUST_CORPORATION_UID, at, online_lpa,
    uid_and_status, welsh_lpa_with_people_to_notify,
};
use crate::support::outage::{EXAMPLE_OPERATION_ID, EXAMPLE_RETRY_AFTER_SECS, queued, unavailable};
use crate::support::problem::{already_exists, invalid_at, not_found};
use crate::support::provider_state::{
    database_offline, database_offline_writes_queued, lpa_does_not_exist, lpa_exists,
    lpa_exists_with_attorney, lpa_exists_with_trust_corporation,
};
use crate::support::shape::{LPA_UID, Side, regex, shape, with_field};
use crate::support::{client_of, provider_state::ProviderState};

/// The consumer's name in Pact.
pub(crate) const CONSUMER: &str = "modernising-lpa";

const NEW: &str = "M-0000-1111-2222";
const EXISTING: &str = "M-0000-1111-3333";
const ATTORNEY_SIGNS: &str = "M-0000-1111-4444";
const TRUST_SIGNS: &str = "M-0000-1111-5555";
const PROVIDER_SIGNS: &str = "M-0000-1111-6666";
const PROFESSIONAL_SIGNS: &str = "M-0000-1111-7777";
const UNKNOWN_TYPE: &str = "M-0000-1111-8888";
const READ: &str = "M-0000-1111-9999";
const READ_MANY: &str = "M-0000-2222-1111";
const MISSING: &str = "M-0000-2222-3333";
const PROVIDER_OPTS_OUT: &str = "M-0000-2222-4444";
const ATTORNEY_OPTS_OUT: &str = "M-0000-2222-5555";
const TRUST_OPTS_OUT: &str = "M-0000-2222-6666";
const DONOR_IDENTITY: &str = "M-0000-2222-7777";
const PROVIDER_IDENTITY: &str = "M-0000-2222-8888";
const WITHDRAWN: &str = "M-0000-2222-9999";
const PROVIDER_ONLINE: &str = "M-0000-3333-1111";
const ATTORNEY_ONLINE: &str = "M-0000-3333-2222";
const READ_OFFLINE: &str = "M-0000-3333-4444";
const SUBMIT_OFFLINE: &str = "M-0000-3333-5555";
const SUBMIT_QUEUED: &str = "M-0000-3333-6666";
const SIGN_QUEUED: &str = "M-0000-3333-7777";

/// The subject of system actions: Make and register an LPA's fixed "service" actor.
const SERVICE: &str = "urn:opg:poas:makeregister:users:00000000-0000-4000-0000-000000000000";

fn actor(uid: &str) -> String {
    format!("urn:opg:poas:makeregister:users:{uid}")
}

fn attorney_sign() -> Update {
    Update::new(UpdateType::AttorneySign)
        .with_change(Change::set("/attorneys/0/mobile", "07777000000"))
        .with_change(Change::set("/attorneys/0/contactLanguagePreference", "en"))
        .with_change(Change::set("/attorneys/0/signedAt", "2024-01-10T09:00:00Z"))
        .with_change(Change::set("/attorneys/0/email", "jake@example.com"))
        .with_change(Change::new("/attorneys/0/channel", "paper", "online"))
}

fn trust_corporation_sign() -> Update {
    let signatory = "/trustCorporations/0/signatories/0";
    Update::new(UpdateType::TrustCorporationSign)
        .with_change(Change::set("/trustCorporations/0/mobile", "07777111111"))
        .with_change(Change::set(
            "/trustCorporations/0/contactLanguagePreference",
            "en",
        ))
        .with_change(Change::set(
            "/trustCorporations/0/companyNumber",
            "666123322",
        ))
        .with_change(Change::set(
            "/trustCorporations/0/email",
            "trust@example.com",
        ))
        .with_change(Change::new(
            "/trustCorporations/0/channel",
            "paper",
            "online",
        ))
        .with_change(Change::set(format!("{signatory}/firstNames"), "Sig"))
        .with_change(Change::set(format!("{signatory}/lastName"), "Natory"))
        .with_change(Change::set(
            format!("{signatory}/professionalTitle"),
            "Director",
        ))
        .with_change(Change::set(
            format!("{signatory}/signedAt"),
            "2024-01-12T09:00:00Z",
        ))
}

fn certificate_provider_sign() -> Update {
    Update::new(UpdateType::CertificateProviderSign)
        .with_change(Change::set(
            "/certificateProvider/contactLanguagePreference",
            "en",
        ))
        .with_change(Change::set(
            "/certificateProvider/signedAt",
            "2024-01-10T09:00:00Z",
        ))
        .with_change(Change::set(
            "/certificateProvider/email",
            "some@example.com",
        ))
        .with_change(Change::new(
            "/certificateProvider/channel",
            "paper",
            "online",
        ))
}

fn identity_check(actor: &str) -> Update {
    let kind = if actor == "donor" {
        UpdateType::DonorConfirmIdentity
    } else {
        UpdateType::CertificateProviderConfirmIdentity
    };
    Update::new(kind)
        .with_change(Change::set(
            format!("/{actor}/identityCheck/type"),
            "one-login",
        ))
        .with_change(Change::set(
            format!("/{actor}/identityCheck/checkedAt"),
            "2024-01-05T10:00:00Z",
        ))
}

/// The LPA as Make and register an LPA reads it: the fields of its real pact.
fn lpa_reply(uid: &str) -> Value {
    json!({
        "uid": uid,
        "status": "in-progress",
        "lpaType": "personal-welfare",
        "channel": "online",
        "donor": {
            "uid": DONOR_UID,
            "firstNames": "Homer",
            "lastName": "Zoller",
            "dateOfBirth": "1960-04-06",
            "contactLanguagePreference": "en",
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
            "address": { "line1": "71 South Western Terrace", "town": "Milton", "country": "AU" },
        }],
        "certificateProvider": {
            "uid": CERTIFICATE_PROVIDER_UID,
            "firstNames": "Some",
            "lastName": "Provider",
            "phone": "070009000",
            "channel": "paper",
            "address": { "line1": "71 South Western Terrace", "town": "Milton", "country": "AU" },
        },
        "lifeSustainingTreatmentOption": "option-a",
        "signedAt": "2000-01-02T12:13:14Z",
    })
}

/// Any status Make and register an LPA shows to its users (its real pact's regex, widened to
/// every status the store sets).
const ANY_STATUS: &str = "^(in-progress|statutory-waiting-period|registered|cannot-register|withdrawn|cancelled|do-not-register|expired)$";

fn lpa_pattern(uid: &str) -> JsonPattern {
    with_field(
        shape(&lpa_reply(uid), Side::Reply),
        "status",
        regex(ANY_STATUS, "in-progress"),
    )
}

fn update_interaction(
    contract: &mut Contract,
    description: &str,
    states: &[ProviderState],
    (uid, subject): (&str, &str),
    update: &Update,
    status: &str,
) {
    contract.interaction(description, states, |i| {
        signed(
            i,
            "POST",
            &format!("/lpas/{uid}/updates"),
            MAKE_REGISTER_ISSUER,
            subject,
        );
        request_json(i, &json!(update));
        reply_json(i, 201, &uid_and_status(uid, status));
    });
}

fn declare(contract: &mut Contract) {
    contract.interaction(
        "a request to store a new LPA",
        &[lpa_does_not_exist(NEW)],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{NEW}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            request_json(i, &json!(online_lpa()));
            reply(i, 201, pact_consumer::json_pattern!({}));
        },
    );
    contract.interaction(
        "a request to store an LPA that already exists",
        &[lpa_exists(EXISTING)],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{EXISTING}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            request_json(i, &json!(welsh_lpa_with_people_to_notify()));
            already_exists(i);
        },
    );
    let attorney = actor(ATTORNEY_UID);
    let provider = actor(CERTIFICATE_PROVIDER_UID);
    let trust = actor(TRUST_CORPORATION_UID);
    let donor = actor(DONOR_UID);
    let updates: [(&str, ProviderState, &str, &str, Update, &str); 12] = [
        (
            "a request for an attorney to sign",
            lpa_exists(ATTORNEY_SIGNS),
            ATTORNEY_SIGNS,
            &attorney,
            attorney_sign(),
            "in-progress",
        ),
        (
            "a request for a trust corporation to sign",
            lpa_exists(TRUST_SIGNS),
            TRUST_SIGNS,
            &trust,
            trust_corporation_sign(),
            "in-progress",
        ),
        (
            "a request for the certificate provider to sign",
            lpa_exists(PROVIDER_SIGNS),
            PROVIDER_SIGNS,
            &provider,
            certificate_provider_sign(),
            "in-progress",
        ),
        (
            "a request for a professional certificate provider to sign",
            lpa_exists(PROFESSIONAL_SIGNS),
            PROFESSIONAL_SIGNS,
            &provider,
            certificate_provider_sign(),
            "in-progress",
        ),
        (
            "a request for the certificate provider to opt out",
            lpa_exists(PROVIDER_OPTS_OUT),
            PROVIDER_OPTS_OUT,
            &provider,
            Update::new(UpdateType::CertificateProviderOptOut),
            "cannot-register",
        ),
        (
            "a request for an attorney to opt out",
            lpa_exists_with_attorney(ATTORNEY_OPTS_OUT, ATTORNEY_UID),
            ATTORNEY_OPTS_OUT,
            &attorney,
            Update::new(UpdateType::AttorneyOptOut),
            "in-progress",
        ),
        (
            "a request for a trust corporation to opt out",
            lpa_exists_with_trust_corporation(TRUST_OPTS_OUT, TRUST_CORPORATION_UID),
            TRUST_OPTS_OUT,
            &trust,
            Update::new(UpdateType::TrustCorporationOptOut),
            "in-progress",
        ),
        (
            "a request to confirm the donor's identity",
            lpa_exists(DONOR_IDENTITY),
            DONOR_IDENTITY,
            &donor,
            identity_check("donor"),
            "in-progress",
        ),
        (
            "a request to confirm the certificate provider's identity",
            lpa_exists(PROVIDER_IDENTITY),
            PROVIDER_IDENTITY,
            &provider,
            identity_check("certificateProvider"),
            "in-progress",
        ),
        (
            "a request for the donor to withdraw the LPA",
            lpa_exists(WITHDRAWN),
            WITHDRAWN,
            &donor,
            Update::new(UpdateType::DonorWithdrawLpa),
            "withdrawn",
        ),
        (
            "a request for a paper certificate provider to go online",
            lpa_exists(PROVIDER_ONLINE),
            PROVIDER_ONLINE,
            &provider,
            Update::new(UpdateType::PaperCertificateProviderAccessOnline).with_change(Change::set(
                "/certificateProvider/email",
                "some@example.com",
            )),
            "in-progress",
        ),
        (
            "a request for a paper attorney to go online",
            lpa_exists_with_attorney(ATTORNEY_ONLINE, ATTORNEY_UID),
            ATTORNEY_ONLINE,
            &attorney,
            Update::new(UpdateType::PaperAttorneyAccessOnline).with_change(Change::set(
                format!("/attorneys/{ATTORNEY_UID}/email"),
                "jake@example.com",
            )),
            "in-progress",
        ),
    ];
    for (description, state, uid, subject, update, status) in &updates {
        update_interaction(
            contract,
            description,
            std::slice::from_ref(state),
            (uid, subject),
            update,
            status,
        );
    }
    contract.interaction(
        "a request with an update type the store does not know",
        &[lpa_exists(UNKNOWN_TYPE)],
        |i| {
            signed(
                i,
                "POST",
                &format!("/lpas/{UNKNOWN_TYPE}/updates"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            request_json(i, &json!(unknown_type()));
            invalid_at(i, "/type", "invalid value");
        },
    );
    contract.interaction("a request for an LPA", &[lpa_exists(READ)], |i| {
        signed(
            i,
            "GET",
            &format!("/lpas/{READ}"),
            MAKE_REGISTER_ISSUER,
            SERVICE,
        );
        reply(i, 200, lpa_pattern(READ));
    });
    contract.interaction(
        "a request for several LPAs",
        &[lpa_exists(READ_MANY)],
        |i| {
            signed(i, "POST", "/lpas", MAKE_REGISTER_ISSUER, SERVICE);
            request_json(i, &json!({ "uids": [READ_MANY] }));
            let lpas = EachLike::new(lpa_pattern(READ_MANY)).into();
            reply(
                i,
                200,
                JsonPattern::Object([("lpas".to_owned(), lpas)].into()),
            );
        },
    );
    contract.interaction(
        "a request for an LPA that does not exist",
        &[lpa_does_not_exist(MISSING)],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{MISSING}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            not_found(i);
        },
    );
    contract.interaction("a request for the store's health", &[], |i| {
        i.request.get().path("/health-check");
        reply_json(i, 200, &json!({ "status": "ok", "statusCode": 200 }));
    });
    contract.interaction(
        "a request for an LPA while the database is offline",
        &[lpa_exists(READ_OFFLINE), database_offline()],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{READ_OFFLINE}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            unavailable(i);
        },
    );
    contract.interaction(
        "a request to store a new LPA while the database is offline",
        &[lpa_does_not_exist(SUBMIT_OFFLINE), database_offline()],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{SUBMIT_OFFLINE}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            request_json(i, &json!(online_lpa()));
            unavailable(i);
        },
    );
    contract.interaction(
        "a request to store a new LPA while writes are queued",
        &[
            lpa_does_not_exist(SUBMIT_QUEUED),
            database_offline_writes_queued(),
        ],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{SUBMIT_QUEUED}"),
                MAKE_REGISTER_ISSUER,
                SERVICE,
            );
            request_json(i, &json!(online_lpa()));
            queued(i);
        },
    );
    contract.interaction(
        "a request for an attorney to sign while writes are queued",
        &[lpa_exists(SIGN_QUEUED), database_offline_writes_queued()],
        |i| {
            signed(
                i,
                "POST",
                &format!("/lpas/{SIGN_QUEUED}/updates"),
                MAKE_REGISTER_ISSUER,
                &actor(ATTORNEY_UID),
            );
            request_json(i, &json!(attorney_sign()));
            queued(i);
        },
    );
}

fn unknown_type() -> Update {
    Update::named("A_TYPE").with_change(Change::new("/a/key", "old", "new"))
}

async fn exercise(store: &Client) {
    let as_actor = |uid: &str| store.acting_as(actor(uid));

    store
        .create(NEW, &online_lpa())
        .await
        .expect("a new LPA is stored");
    let again = store
        .create(EXISTING, &welsh_lpa_with_people_to_notify())
        .await;
    assert!(matches!(again, Err(Error::AlreadyExists)), "{again:?}");

    let signed = as_actor(ATTORNEY_UID)
        .update(ATTORNEY_SIGNS, &attorney_sign())
        .await;
    assert_eq!(
        signed.expect("the attorney signs").status,
        Status::InProgress
    );
    as_actor(TRUST_CORPORATION_UID)
        .update(TRUST_SIGNS, &trust_corporation_sign())
        .await
        .expect("the trust corporation signs");
    let provider = as_actor(CERTIFICATE_PROVIDER_UID);
    for uid in [PROVIDER_SIGNS, PROFESSIONAL_SIGNS] {
        provider
            .update(uid, &certificate_provider_sign())
            .await
            .expect("the certificate provider signs");
    }
    let opted_out = provider
        .update(
            PROVIDER_OPTS_OUT,
            &Update::new(UpdateType::CertificateProviderOptOut),
        )
        .await
        .expect("the certificate provider opts out");
    assert_eq!(opted_out.status, Status::CannotRegister);
    as_actor(ATTORNEY_UID)
        .update(ATTORNEY_OPTS_OUT, &Update::new(UpdateType::AttorneyOptOut))
        .await
        .expect("the attorney opts out");
    as_actor(TRUST_CORPORATION_UID)
        .update(
            TRUST_OPTS_OUT,
            &Update::new(UpdateType::TrustCorporationOptOut),
        )
        .await
        .expect("the trust corporation opts out");
    as_actor(DONOR_UID)
        .update(DONOR_IDENTITY, &identity_check("donor"))
        .await
        .expect("the donor's identity is confirmed");
    provider
        .update(PROVIDER_IDENTITY, &identity_check("certificateProvider"))
        .await
        .expect("the certificate provider's identity is confirmed");
    let withdrawn = as_actor(DONOR_UID)
        .update(WITHDRAWN, &Update::new(UpdateType::DonorWithdrawLpa))
        .await
        .expect("the donor withdraws");
    assert_eq!(withdrawn.status, Status::Withdrawn);
    provider
        .update(
            PROVIDER_ONLINE,
            &Update::new(UpdateType::PaperCertificateProviderAccessOnline).with_change(
                Change::set("/certificateProvider/email", "some@example.com"),
            ),
        )
        .await
        .expect("the paper certificate provider goes online");
    as_actor(ATTORNEY_UID)
        .update(
            ATTORNEY_ONLINE,
            &Update::new(UpdateType::PaperAttorneyAccessOnline).with_change(Change::set(
                format!("/attorneys/{ATTORNEY_UID}/email"),
                "jake@example.com",
            )),
        )
        .await
        .expect("the paper attorney goes online");

    let refused = store.update(UNKNOWN_TYPE, &unknown_type()).await;
    match refused {
        Err(Error::InvalidRequest { errors, .. }) => assert_eq!(errors[0].source, "/type"),
        other => panic!("expected an invalid request, got {other:?}"),
    }

    let lpa = store
        .get(READ, Images::AsStored)
        .await
        .expect("the LPA is read");
    assert!(regex_matches(LPA_UID, &lpa.uid));
    let donor = lpa.details.donor.expect("the donor is read");
    assert_eq!(donor.last_name, "Zoller");
    assert_eq!(lpa.details.attorneys.len(), 1);
    assert_eq!(lpa.details.signed_at, Some(at("2000-01-02T12:13:14Z")));

    let lpas = store
        .get_many(&[READ_MANY], Images::AsStored)
        .await
        .expect("the LPAs are read");
    assert_eq!(lpas.len(), 1);

    let missing = store.get(MISSING, Images::AsStored).await;
    assert!(matches!(missing, Err(Error::NotFound)), "{missing:?}");

    let health = store.health().await.expect("the health check answers");
    assert_eq!(health.status, "ok");

    exercise_outage(store).await;
}

async fn exercise_outage(store: &Client) {
    let retry_after = Some(std::time::Duration::from_secs(EXAMPLE_RETRY_AFTER_SECS));
    let read = store.get(READ_OFFLINE, Images::AsStored).await;
    assert!(
        matches!(read, Err(Error::Unavailable { retry_after: r }) if r == retry_after),
        "{read:?}"
    );
    let submit = store.create(SUBMIT_OFFLINE, &online_lpa()).await;
    assert!(
        matches!(submit, Err(Error::Unavailable { retry_after: r }) if r == retry_after),
        "{submit:?}"
    );
    for outcome in [
        store.create(SUBMIT_QUEUED, &online_lpa()).await,
        store
            .acting_as(actor(ATTORNEY_UID))
            .update(SIGN_QUEUED, &attorney_sign())
            .await
            .map(|_| ()),
    ] {
        match outcome {
            Err(Error::Accepted {
                operation_id,
                status_url,
            }) => {
                assert_eq!(operation_id.to_string(), EXAMPLE_OPERATION_ID);
                assert!(status_url.ends_with(EXAMPLE_OPERATION_ID), "{status_url}");
            }
            other => panic!("expected the write to be accepted for later, got {other:?}"),
        }
    }
}

fn regex_matches(pattern: &str, text: &str) -> bool {
    pact_consumer::patterns::build_regex(pattern).is_match(text)
}

#[tokio::test]
async fn modernising_lpa_gets_what_its_calls_rely_on_and_its_pact_is_committed() {
    let mut contract = Contract::new(CONSUMER);
    declare(&mut contract);
    {
        let server = contract.start();
        let store = client_of(server.as_ref(), MAKE_REGISTER_ISSUER, SERVICE);
        exercise(&store).await;
    }
    contract.assert_committed();
}
