//! Opting out: the certificate provider, an attorney or a trust corporation declines to act.
//!
//! None of these types takes changes. The attorney and trust corporation opting out are named by
//! the JWT subject rather than by a key: Make and register an LPA signs as
//! `urn:opg:poas:makeregister:users:<actor UID>`, so the store reads the actor UID from the
//! sixth part of the author URN. A Sirius author (`urn:opg:sirius:users:<id>`, five parts) has
//! no actor UID and is refused.

use uuid::Uuid;

use crate::model::FieldError;
use crate::model::{AttorneyStatus, Lpa, LpaStatus};

use super::{Change, Context, expect_no_changes};

fn refuse<T>(source: &str, detail: &str) -> Result<T, Vec<FieldError>> {
    Err(vec![FieldError::new(source, detail)])
}

/// `CERTIFICATE_PROVIDER_OPT_OUT`: without a certificate provider the LPA cannot be registered,
/// so its status becomes `cannot-register`. Refused once the certificate is provided.
pub(super) fn certificate_provider(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    if lpa
        .certificate_provider
        .signed_at
        .is_some_and(|at| !at.is_zero())
    {
        return refuse(
            "/type",
            "certificate provider cannot opt out after providing certificate",
        );
    }
    lpa.status = LpaStatus::CANNOT_REGISTER;
    Ok(())
}

/// `ATTORNEY_OPT_OUT`: the attorney named by the author URN is removed, unless they have signed.
pub(super) fn attorney(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    let uid = author_actor_uid(&ctx.author)?;
    let Some(attorney) = lpa.attorneys.iter_mut().find(|a| a.uid == uid) else {
        return refuse("/type", "attorney not found");
    };
    if attorney.has_signed() {
        return refuse("/type", "attorney cannot opt out after signing");
    }
    attorney.status = AttorneyStatus::REMOVED;
    Ok(())
}

/// `TRUST_CORPORATION_OPT_OUT`: the trust corporation named by the author URN is removed,
/// unless its first signatory has signed.
pub(super) fn trust_corporation(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    let uid = author_actor_uid(&ctx.author)?;
    let Some(trust_corporation) = lpa.trust_corporations.iter_mut().find(|t| t.uid == uid) else {
        return refuse("/type", "trust corporation not found");
    };
    if trust_corporation
        .signatories
        .first()
        .is_some_and(|s| !s.signed_at.is_zero())
    {
        return refuse("/type", "trust corporation cannot opt out after signing");
    }
    trust_corporation.status = AttorneyStatus::REMOVED;
    Ok(())
}

/// The actor UID of a six-part author URN (`urn:opg:poas:<service>:users:<uid>`), which must
/// be a UUID. Any other shape has no actor UID, which the store reports as a missing field.
fn author_actor_uid(author: &str) -> Result<&str, Vec<FieldError>> {
    let parts: Vec<&str> = author.split(':').collect();
    let uid = match parts.as_slice() {
        [_, _, _, service, _, uid] if !service.is_empty() => *uid,
        _ => "",
    };
    if uid.is_empty() {
        return refuse("/author", "field is required");
    }
    if Uuid::try_parse(uid).is_err() {
        return refuse("/author", "invalid format");
    }
    Ok(uid)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, ATTORNEY_UID, TRUST_CORPORATION_UID, change, context};
    use super::*;
    use crate::model::{Signatory, Timestamp};

    fn context_as(author: &str) -> Context {
        Context {
            author: author.to_owned(),
            ..context()
        }
    }

    fn trust_corporation_author() -> Context {
        context_as(&format!(
            "urn:opg:poas:makeregister:users:{TRUST_CORPORATION_UID}"
        ))
    }

    #[test]
    fn certificate_provider_opt_out_makes_the_lpa_unregisterable() {
        let mut lpa = fixture::lpa();
        certificate_provider(&[], &mut lpa, &context()).unwrap();
        assert_eq!(lpa.status, LpaStatus::CANNOT_REGISTER);
    }

    #[test]
    fn certificate_provider_cannot_opt_out_after_providing_certificate() {
        let mut lpa = fixture::lpa();
        lpa.certificate_provider.signed_at = Timestamp::parse("2024-01-10T09:00:00Z");
        let errors = certificate_provider(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "certificate provider cannot opt out after providing certificate"
            )]
        );
        assert_eq!(lpa.status, LpaStatus::IN_PROGRESS);
    }

    #[test]
    fn opt_outs_refuse_a_change_list() {
        let mut lpa = fixture::lpa();
        let changes = [change("/something", json!(null), json!("x"))];
        for opt_out in [certificate_provider, attorney, trust_corporation] {
            let errors = opt_out(&changes, &mut lpa, &context()).unwrap_err();
            assert_eq!(errors, vec![FieldError::new("/changes", "expected empty")]);
        }
    }

    #[test]
    fn attorney_opt_out_removes_the_author() {
        let mut lpa = fixture::lpa();
        attorney(&[], &mut lpa, &context()).unwrap();
        assert_eq!(lpa.attorneys[0].status, AttorneyStatus::REMOVED);
        assert_eq!(lpa.status, LpaStatus::IN_PROGRESS);
    }

    #[test]
    fn attorney_opt_out_needs_an_actor_uuid_in_the_author_urn() {
        let mut lpa = fixture::lpa();
        let sirius = context_as("urn:opg:sirius:users:34");
        let errors = attorney(&[], &mut lpa, &sirius).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/author", "field is required")]
        );

        let not_a_uuid = context_as("urn:opg:poas:makeregister:users:not-a-uid");
        let errors = attorney(&[], &mut lpa, &not_a_uuid).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("/author", "invalid format")]);
        assert_eq!(lpa.attorneys[0].status, AttorneyStatus::ACTIVE);
    }

    #[test]
    fn attorney_opt_out_is_not_found_when_the_author_is_not_an_attorney() {
        let mut lpa = fixture::lpa();
        let errors = attorney(&[], &mut lpa, &trust_corporation_author()).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("/type", "attorney not found")]);
    }

    #[test]
    fn attorney_cannot_opt_out_after_signing() {
        let mut lpa = fixture::lpa();
        lpa.attorneys[0].signed_at = Timestamp::parse("2024-01-10T09:00:00Z");
        let errors = attorney(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "attorney cannot opt out after signing"
            )]
        );
        assert_eq!(lpa.attorneys[0].uid, ATTORNEY_UID);
        assert_eq!(lpa.attorneys[0].status, AttorneyStatus::ACTIVE);
    }

    #[test]
    fn trust_corporation_opt_out_removes_the_author() {
        let mut lpa = fixture::lpa();
        trust_corporation(&[], &mut lpa, &trust_corporation_author()).unwrap();
        assert_eq!(lpa.trust_corporations[0].status, AttorneyStatus::REMOVED);
    }

    #[test]
    fn trust_corporation_opt_out_is_not_found_when_the_author_is_an_attorney() {
        let mut lpa = fixture::lpa();
        let errors = trust_corporation(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/type", "trust corporation not found")]
        );
    }

    #[test]
    fn trust_corporation_cannot_opt_out_after_signing() {
        let mut lpa = fixture::lpa();
        lpa.trust_corporations[0].signatories = vec![Signatory {
            signed_at: Timestamp::parse("2024-01-10T09:00:00Z").expect("valid"),
            ..Signatory::default()
        }];
        let errors = trust_corporation(&[], &mut lpa, &trust_corporation_author()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "trust corporation cannot opt out after signing"
            )]
        );
        assert_eq!(lpa.trust_corporations[0].status, AttorneyStatus::ACTIVE);
    }
}
