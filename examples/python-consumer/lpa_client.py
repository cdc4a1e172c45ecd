"""A small Python client of the LPA store (Pact provider `data-lpa-store`).

It does what a small service beside Make and register an LPA would: submit an LPA, read one or
several back, record the certificate provider's signature, and check the store's health. Like the
real services it signs a fresh HS256 JWT for every request and sends it as
`X-Jwt-Authorization: Bearer <token>`, with `iss` one of the store's issuers, `sub` a URN and
`iat` the time of signing.

The consumer tests in this folder drive this client against the Pact mock server; the pact they
write is then checked against the LPA store simulator with `lpa-contracts verify --simulator`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

JWT_HEADER = "X-Jwt-Authorization"

# The LPA store's public local test secret: the simulator's default, and the real store's in its
# local and CI environments. A deployed service reads its secret from a secret store instead.
TEST_SECRET = "mysupersecrettestkeythatis128bits"

MAKE_REGISTER_ISSUER = "opg.poas.makeregister"


def sign_token(issuer: str, subject: str, secret: str, issued_at: int | None = None) -> str:
    """An HS256 JWT as the store checks it: `iss`, a URN `sub`, and `iat` (now by default)."""
    claims = {
        "iss": issuer,
        "sub": subject,
        "iat": int(time.time()) if issued_at is None else issued_at,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


class LpaStoreError(Exception):
    """The store refused a request: its status and its error body (`code`, `detail`, `errors`)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.code = body.get("code", "")
        self.detail = body.get("detail", "")
        self.errors = body.get("errors", [])
        super().__init__(f"LPA store answered {status} {self.code}: {self.detail} {self.errors}")


class LpaNotFound(LpaStoreError):
    """The store holds no LPA with that UID (`404 NOT_FOUND`)."""


@dataclass(frozen=True)
class Lpa:
    """What this service needs of an LPA; the whole answer stays in `raw`."""

    uid: str
    status: str
    lpa_type: str
    donor_name: str
    attorney_names: list[str]
    certificate_provider_signed_at: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Lpa:
        """Reads the fields this service uses; a missing required one raises `KeyError`."""
        donor = body["donor"]
        return cls(
            uid=body["uid"],
            status=body["status"],
            lpa_type=body["lpaType"],
            donor_name=f"{donor['firstNames']} {donor['lastName']}",
            attorney_names=[
                f"{attorney['firstNames']} {attorney['lastName']}"
                for attorney in body.get("attorneys", [])
            ],
            certificate_provider_signed_at=body.get("certificateProvider", {}).get("signedAt"),
            raw=body,
        )


class LpaStoreClient:
    """Calls the LPA store at `base_url` as `issuer`/`subject`, each request bounded by `timeout`."""

    def __init__(
        self,
        base_url: str,
        *,
        subject: str,
        issuer: str = MAKE_REGISTER_ISSUER,
        secret: str = TEST_SECRET,
        timeout: float = 5.0,
    ) -> None:
        self.base_url = str(base_url).rstrip("/")
        self.issuer = issuer
        self.subject = subject
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()

    def _headers(self) -> dict[str, str]:
        token = sign_token(self.issuer, self.subject, self.secret)
        return {JWT_HEADER: f"Bearer {token}"}

    def _request(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.session.request(
            method,
            f"{self.base_url}{path}",
            headers=self._headers(),
            json=body,
            timeout=self.timeout,
        )

    @staticmethod
    def _refusal(response: requests.Response) -> LpaStoreError:
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text}
        if response.status_code == 404:
            return LpaNotFound(response.status_code, body)
        return LpaStoreError(response.status_code, body)

    def healthy(self) -> bool:
        """Whether `GET /health-check` answers `200` (it needs no token)."""
        response = self.session.get(f"{self.base_url}/health-check", timeout=self.timeout)
        return response.status_code == 200

    def get(self, uid: str) -> Lpa:
        """The LPA `uid`; raises `LpaNotFound` when the store has none."""
        response = self._request("GET", f"/lpas/{uid}")
        if response.status_code != 200:
            raise self._refusal(response)
        return Lpa.from_json(response.json())

    def get_many(self, uids: list[str]) -> list[Lpa]:
        """The LPAs the store holds of `uids`; unknown UIDs are left out, as the store does."""
        response = self._request("POST", "/lpas", {"uids": uids})
        if response.status_code != 200:
            raise self._refusal(response)
        return [Lpa.from_json(lpa) for lpa in response.json()["lpas"]]

    def create(self, uid: str, lpa: dict[str, Any]) -> bool:
        """Submits an LPA: `True` when stored now, `False` when the store already held it.

        A resubmission is answered `400 LPA with UID already exists`; like Make and register an
        LPA, this client takes that as success, so submitting is safe to retry.
        """
        response = self._request("PUT", f"/lpas/{uid}", lpa)
        if response.status_code == 201:
            return True
        refusal = self._refusal(response)
        if refusal.status == 400 and refusal.detail == "LPA with UID already exists":
            return False
        raise refusal

    def certificate_provider_sign(
        self, uid: str, *, signed_at: str, email: str, contact_language: str = "en"
    ) -> Lpa:
        """Records the certificate provider's signature, moving them online; the LPA after it."""
        update = {
            "type": "CERTIFICATE_PROVIDER_SIGN",
            "changes": [
                {"key": "/certificateProvider/signedAt", "old": None, "new": signed_at},
                {"key": "/certificateProvider/email", "old": None, "new": email},
                {
                    "key": "/certificateProvider/contactLanguagePreference",
                    "old": None,
                    "new": contact_language,
                },
                {"key": "/certificateProvider/channel", "old": "paper", "new": "online"},
            ],
        }
        response = self._request("POST", f"/lpas/{uid}/updates", update)
        if response.status_code != 201:
            raise self._refusal(response)
        return Lpa.from_json(response.json())
