"""Consumer tests of `lpa_client.py` against the Pact mock server, written with pact-python 4.x.

Each test records one interaction with `data-lpa-store`, drives the client against the mock
server, and checks what the client made of the answer. The provider states are ones the LPA
store (and its simulator) knows; the UIDs are this consumer's own, so the states set up LPAs
nobody else's pact uses. `ci/python-consumer.sh` runs these tests and then verifies the pact
they write with `lpa-contracts verify --simulator`.
"""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from lpa_client import (
    JWT_HEADER,
    MAKE_REGISTER_ISSUER,
    TEST_SECRET,
    LpaNotFound,
    LpaStoreClient,
    sign_token,
)

SUBJECT = "urn:opg:poas:makeregister:users:5d1c7a0e-8b9f-4c3d-a2e1-f0a9b8c7d6e5"

# The token recorded in the pact: signed at a fixed time, so the pact is the same on every run.
# The client signs a fresh one per request; the matcher accepts any well-formed bearer token,
# and `lpa-contracts verify` re-signs it with the provider's secret, keeping `iss` and `sub`.
EXAMPLE_TOKEN = sign_token(MAKE_REGISTER_ISSUER, SUBJECT, TEST_SECRET, issued_at=1767225600)
BEARER = match.regex(
    f"Bearer {EXAMPLE_TOKEN}", regex=r"^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
)

LPA_UID = r"^M-([0-9]{4}-[0-9]{4}-[0-9]{4}|[346789QWERTYUPADFGHJKLXCVBNM]{4}-[346789QWERTYUPADFGHJKLXCVBNM]{4}-[346789QWERTYUPADFGHJKLXCVBNM]{4})$"
ACTOR_UID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
STATUS = r"^(in-progress|statutory-waiting-period|registered|cannot-register|withdrawn|cancelled|do-not-register|expired)$"


def address(line1: str, town: str, country: str) -> dict[str, Any]:
    return {"line1": match.str(line1), "town": match.str(town), "country": match.str(country)}


def new_lpa() -> dict[str, Any]:
    """An online LPA that passes the store's validation, as this service submits it.

    One attorney, so no `howAttorneysMakeDecisions`: the store refuses it then ("field must not
    be provided"), which the mock server cannot know and `lpa-contracts verify` reports.
    """
    return {
        "lpaType": "personal-welfare",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": match.regex("7f8b3c2a-1d4e-4f6a-9b8c-0d1e2f3a4b5c", regex=ACTOR_UID),
            "firstNames": match.str("Homer"),
            "lastName": match.str("Zoller"),
            "dateOfBirth": match.regex("1960-04-06", regex=DATE),
            "email": match.str("homer@example.com"),
            "contactLanguagePreference": "en",
            "address": address("79 Bury Rd", "Hampton Lovett", "GB"),
        },
        "attorneys": [
            {
                "uid": match.regex("9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e", regex=ACTOR_UID),
                "firstNames": match.str("Jake"),
                "lastName": match.str("Vallar"),
                "dateOfBirth": match.regex("2001-01-17", regex=DATE),
                "email": match.str("jake@example.com"),
                "status": "active",
                "appointmentType": "original",
                "channel": "online",
                "address": address("71 South Western Terrace", "Milton", "AU"),
            }
        ],
        "certificateProvider": {
            "uid": match.regex("c0ffee00-1234-4567-89ab-0123456789ab", regex=ACTOR_UID),
            "firstNames": match.str("Some"),
            "lastName": match.str("Provider"),
            "email": match.str("some@example.com"),
            "phone": match.str("070009000"),
            "channel": "online",
            "address": address("71 South Western Terrace", "Milton", "AU"),
        },
        "lifeSustainingTreatmentOption": "option-a",
        "signedAt": match.regex("2024-01-02T12:13:14Z", regex=DATETIME),
        "witnessedByCertificateProviderAt": match.regex("2024-01-02T13:13:14Z", regex=DATETIME),
    }


def plain(value: Any) -> Any:
    """The example values behind a body of matchers: what the client really sends."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    example = getattr(value, "value", None)
    return value if example is None else plain(example)


def stored_lpa(uid: str) -> dict[str, Any]:
    """What this service reads of an LPA, as the store's fixture for `An LPA with UID ... exists`
    answers it; only these fields are contracted, the store may send more."""
    return {
        "uid": match.regex(uid, regex=LPA_UID),
        "status": match.regex("in-progress", regex=STATUS),
        "lpaType": match.str("personal-welfare"),
        "donor": {
            "firstNames": match.str("Homer"),
            "lastName": match.str("Zoller"),
        },
        "attorneys": match.each_like(
            {"firstNames": match.str("Jake"), "lastName": match.str("Vallar")}, min=1
        ),
    }


def client_of(url: object) -> LpaStoreClient:
    return LpaStoreClient(str(url), subject=SUBJECT)


def test_submitting_an_lpa_stores_it_when_the_uid_is_free(pact: Pact) -> None:
    # Arrange
    uid = "M-0000-5555-1111"
    (
        pact.upon_receiving("a request to store a new LPA")
        .given(f"An LPA with UID {uid} does not exist", {"uid": uid})
        .with_request("PUT", f"/lpas/{uid}")
        .with_header(JWT_HEADER, BEARER)
        .with_body(new_lpa(), content_type="application/json")
        .will_respond_with(201)
        .with_body({}, content_type="application/json")
    )

    with pact.serve() as server:
        # Act
        stored = client_of(server.url).create(uid, plain(new_lpa()))

    # Assert
    assert stored is True


def test_submitting_an_lpa_again_is_taken_as_success_when_the_store_already_holds_it(
    pact: Pact,
) -> None:
    # Arrange
    uid = "M-0000-5555-2222"
    (
        pact.upon_receiving("a request to store an LPA that already exists")
        .given(f"An LPA with UID {uid} exists", {"uid": uid})
        .with_request("PUT", f"/lpas/{uid}")
        .with_header(JWT_HEADER, BEARER)
        .with_body(new_lpa(), content_type="application/json")
        .will_respond_with(400)
        .with_body(
            {"code": "INVALID_REQUEST", "detail": "LPA with UID already exists"},
            content_type="application/json",
        )
    )

    with pact.serve() as server:
        # Act
        stored = client_of(server.url).create(uid, plain(new_lpa()))

    # Assert
    assert stored is False


def test_reading_an_lpa_gives_its_donor_attorneys_and_status_when_it_exists(pact: Pact) -> None:
    # Arrange
    uid = "M-0000-5555-3333"
    (
        pact.upon_receiving("a request for an LPA")
        .given(f"An LPA with UID {uid} exists", {"uid": uid})
        .with_request("GET", f"/lpas/{uid}")
        .with_header(JWT_HEADER, BEARER)
        .will_respond_with(200)
        .with_body(stored_lpa(uid), content_type="application/json")
    )

    with pact.serve() as server:
        # Act
        lpa = client_of(server.url).get(uid)

    # Assert
    assert lpa.uid == uid
    assert lpa.status == "in-progress"
    assert lpa.lpa_type == "personal-welfare"
    assert lpa.donor_name == "Homer Zoller"
    assert lpa.attorney_names == ["Jake Vallar"]
    assert lpa.certificate_provider_signed_at is None


def test_reading_an_lpa_raises_not_found_when_the_store_has_none(pact: Pact) -> None:
    # Arrange
    uid = "M-0000-5555-4444"
    (
        pact.upon_receiving("a request for an LPA that does not exist")
        .given(f"An LPA with UID {uid} does not exist", {"uid": uid})
        .with_request("GET", f"/lpas/{uid}")
        .with_header(JWT_HEADER, BEARER)
        .will_respond_with(404)
        .with_body(
            {"code": "NOT_FOUND", "detail": match.str("Record not found")},
            content_type="application/json",
        )
    )

    with pact.serve() as server:
        # Act
        with pytest.raises(LpaNotFound) as refusal:
            client_of(server.url).get(uid)

    # Assert
    assert refusal.value.status == 404
    assert refusal.value.code == "NOT_FOUND"


def test_reading_several_lpas_leaves_out_the_ones_the_store_does_not_hold(pact: Pact) -> None:
    # Arrange
    known, unknown = "M-0000-5555-5555", "M-0000-5555-6666"
    (
        pact.upon_receiving("a request for several LPAs, one of which does not exist")
        .given(f"An LPA with UID {known} exists", {"uid": known})
        .given(f"An LPA with UID {unknown} does not exist", {"uid": unknown})
        .with_request("POST", "/lpas")
        .with_header(JWT_HEADER, BEARER)
        .with_body({"uids": [known, unknown]}, content_type="application/json")
        .will_respond_with(200)
        .with_body({"lpas": match.each_like(stored_lpa(known), min=1)}, content_type="application/json")
    )

    with pact.serve() as server:
        # Act
        lpas = client_of(server.url).get_many([known, unknown])

    # Assert
    assert [lpa.uid for lpa in lpas] == [known]
    assert lpas[0].donor_name == "Homer Zoller"


def test_certificate_provider_signing_is_recorded_when_the_lpa_exists(pact: Pact) -> None:
    # Arrange
    uid = "M-0000-5555-7777"
    signed_at = "2024-01-10T09:00:00Z"
    (
        pact.upon_receiving("a request for the certificate provider to sign")
        .given(f"An LPA with UID {uid} exists", {"uid": uid})
        .with_request("POST", f"/lpas/{uid}/updates")
        .with_header(JWT_HEADER, BEARER)
        .with_body(
            {
                "type": "CERTIFICATE_PROVIDER_SIGN",
                "changes": [
                    {
                        "key": "/certificateProvider/signedAt",
                        "old": None,
                        "new": match.regex(signed_at, regex=DATETIME),
                    },
                    {
                        "key": "/certificateProvider/email",
                        "old": None,
                        "new": match.str("some@example.com"),
                    },
                    {"key": "/certificateProvider/contactLanguagePreference", "old": None, "new": "en"},
                    {"key": "/certificateProvider/channel", "old": "paper", "new": "online"},
                ],
            },
            content_type="application/json",
        )
        .will_respond_with(201)
        .with_body(
            {
                **stored_lpa(uid),
                "certificateProvider": {
                    "signedAt": match.regex(signed_at, regex=DATETIME),
                    "channel": "online",
                },
            },
            content_type="application/json",
        )
    )

    with pact.serve() as server:
        # Act
        lpa = client_of(server.url).certificate_provider_sign(
            uid, signed_at=signed_at, email="some@example.com"
        )

    # Assert
    assert lpa.uid == uid
    assert lpa.status == "in-progress"
    assert lpa.certificate_provider_signed_at == signed_at


def test_the_store_is_healthy_when_its_health_check_answers_ok(pact: Pact) -> None:
    # Arrange
    (
        pact.upon_receiving("a request for the store's health")
        .with_request("GET", "/health-check")
        .will_respond_with(200)
        .with_body({"status": match.str("ok")}, content_type="application/json")
    )

    with pact.serve() as server:
        # Act
        healthy = client_of(server.url).healthy()

    # Assert
    assert healthy is True

