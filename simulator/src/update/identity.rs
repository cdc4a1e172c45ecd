//! Identity confirmations of the donor and the certificate provider.
//!
//! Both types take the same two keys under the actor's `identityCheck`, `type` and `checkedAt`,
//! and replace the whole check. An actor whose identity was never checked has no
//! `identityCheck` at all; `old` is then compared with an empty check, so `null` matches.

use crate::model::FieldError;
use crate::model::{IdentityCheck, Lpa};

use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

/// `DONOR_CONFIRM_IDENTITY`: records how and when the donor's identity was checked.
pub(super) fn donor(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let confirmed = read_identity_check(
        "/donor/identityCheck",
        changes,
        lpa.donor.identity_check.as_ref(),
    )?;
    lpa.donor.identity_check = Some(confirmed);
    Ok(())
}

/// `CERTIFICATE_PROVIDER_CONFIRM_IDENTITY`: records how and when the certificate provider's
/// identity was checked.
pub(super) fn certificate_provider(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let confirmed = read_identity_check(
        "/certificateProvider/identityCheck",
        changes,
        lpa.certificate_provider.identity_check.as_ref(),
    )?;
    lpa.certificate_provider.identity_check = Some(confirmed);
    Ok(())
}

/// Reads `<prefix>/type` and `<prefix>/checkedAt`, both required, over the current check.
fn read_identity_check(
    prefix: &str,
    changes: &[Change],
    current: Option<&IdentityCheck>,
) -> Result<IdentityCheck, Vec<FieldError>> {
    let mut identity = current.cloned().unwrap_or_default();
    let errors = Parser::new(changes)
        .prefix(prefix, false, |p| {
            p.field(
                "/type",
                &mut identity.check_type,
                Rule::required().with_validator(check::valid),
            )
            .field(
                "/checkedAt",
                &mut identity.checked_at,
                Rule::required().with_validator(check::time_set),
            )
            .consumed();
        })
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, change, context};
    use super::*;
    use crate::model::{IdentityCheckType, Timestamp};

    fn confirmation(prefix: &str, old_type: &str, old_at: &str) -> [Change; 2] {
        let old = |value: &str| {
            if value.is_empty() {
                json!(null)
            } else {
                json!(value)
            }
        };
        [
            change(
                &format!("{prefix}/checkedAt"),
                old(old_at),
                json!("2024-02-01T12:00:00Z"),
            ),
            change(&format!("{prefix}/type"), old(old_type), json!("one-login")),
        ]
    }

    #[test]
    fn donor_identity_is_confirmed_when_none_was_recorded() {
        let mut lpa = fixture::lpa();
        assert_eq!(lpa.donor.identity_check, None);
        let changes = confirmation("/donor/identityCheck", "", "");
        donor(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.donor.identity_check,
            Some(IdentityCheck {
                checked_at: Timestamp::parse("2024-02-01T12:00:00Z").expect("valid"),
                check_type: IdentityCheckType::ONE_LOGIN,
            })
        );
    }

    #[test]
    fn donor_identity_check_old_values_must_match_the_recorded_check() {
        let mut lpa = fixture::lpa();
        lpa.donor.identity_check = Some(IdentityCheck {
            checked_at: Timestamp::parse("2024-01-01T00:00:00Z").expect("valid"),
            check_type: IdentityCheckType::OPG_PAPER_ID,
        });
        let stale = confirmation("/donor/identityCheck", "", "");
        let errors = donor(&stale, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/1/old", "does not match existing value"),
                FieldError::new("/changes/0/old", "does not match existing value"),
            ]
        );

        let current = confirmation(
            "/donor/identityCheck",
            "opg-paper-id",
            "2024-01-01T00:00:00+00:00",
        );
        donor(&current, &mut lpa, &context()).unwrap();
        let check = lpa.donor.identity_check.expect("still recorded");
        assert_eq!(check.check_type, IdentityCheckType::ONE_LOGIN);
    }

    #[test]
    fn identity_check_type_must_be_valid_and_checked_at_given() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/certificateProvider/identityCheck/type",
            json!(null),
            json!("passport"),
        )];
        let errors = certificate_provider(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/new", "invalid value"),
                FieldError::new(
                    "/changes",
                    "missing /certificateProvider/identityCheck/checkedAt"
                ),
            ]
        );
        assert_eq!(lpa.certificate_provider.identity_check, None);
    }

    #[test]
    fn certificate_provider_identity_is_confirmed() {
        let mut lpa = fixture::lpa();
        let changes = confirmation("/certificateProvider/identityCheck", "", "");
        certificate_provider(&changes, &mut lpa, &context()).unwrap();
        let check = lpa.certificate_provider.identity_check.expect("recorded");
        assert_eq!(check.check_type, IdentityCheckType::ONE_LOGIN);
        assert_eq!(lpa.donor.identity_check, None);
    }

    #[test]
    fn identity_confirmation_refuses_other_actors_keys() {
        let mut lpa = fixture::lpa();
        let changes = confirmation("/certificateProvider/identityCheck", "", "");
        let errors = donor(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes", "missing /donor/identityCheck/..."),
                FieldError::new("/changes/0", "unexpected change provided"),
                FieldError::new("/changes/1", "unexpected change provided"),
            ]
        );
    }
}
