"""A consumer test whose expectation the LPA store cannot meet, on purpose.

It passes here, because the Pact mock server answers whatever the test says the store answers:
this team believes the store sends the donor's name as one `fullName`. The store never does (it
sends `firstNames` and `lastName`), so `lpa-contracts verify --simulator` must fail this pact,
naming the interaction and the missing field. That is the mistake checking a pact against the
simulator before publishing it catches.

Collected only when `LPA_PY_BROKEN_EXPECTATION=1` (see `conftest.py`); `ci/python-consumer.sh`
writes its pact to a folder of its own and checks that verification fails as it should.
"""

from __future__ import annotations

from pact import Pact, match

from lpa_client import JWT_HEADER
from test_consumer import BEARER, LPA_UID, STATUS, client_of

BROKEN_INTERACTION = "a request for an LPA with the donor's full name"


def test_reading_an_lpa_gives_the_donors_full_name_when_it_exists(pact: Pact) -> None:
    # Arrange
    uid = "M-0000-5555-8888"
    (
        pact.upon_receiving(BROKEN_INTERACTION)
        .given(f"An LPA with UID {uid} exists", {"uid": uid})
        .with_request("GET", f"/lpas/{uid}")
        .with_header(JWT_HEADER, BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "uid": match.regex(uid, regex=LPA_UID),
                "status": match.regex("in-progress", regex=STATUS),
                "lpaType": match.str("personal-welfare"),
                "donor": {
                    "firstNames": match.str("Homer"),
                    "lastName": match.str("Zoller"),
                    "fullName": match.str("Homer Zoller"),
                },
                "attorneys": match.each_like(
                    {"firstNames": match.str("Jake"), "lastName": match.str("Vallar")}, min=1
                ),
            },
            content_type="application/json",
        )
    )

    with pact.serve() as server:
        # Act
        lpa = client_of(server.url).get(uid)

    # Assert
    assert lpa.raw["donor"]["fullName"] == "Homer Zoller"
