//! Signatures: attorneys, trust corporations and the certificate provider.

use crate::model::{Channel, Lang, Lpa, Timestamp};
use crate::problem::FieldError;

use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

/// `ATTORNEY_SIGN`: one attorney, addressed by index or UID, signs.
pub(super) fn attorney(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let mut chosen: Option<usize> = None;
    let mut mobile = String::new();
    let mut signed_at = Timestamp::zero();
    let mut language = Lang::default();
    let mut channel = Channel::default();
    let mut email = String::new();
    let snapshot = lpa.clone();
    let errors = Parser::new(changes)
        .prefix("/attorneys", false, |p| {
            p.each(|segment, p| {
                let Some(index) = snapshot.find_attorney(segment) else {
                    p.out_of_range();
                    return;
                };
                if chosen.is_some_and(|c| c != index) {
                    p.out_of_range();
                    return;
                }
                chosen = Some(index);
                let attorney = &snapshot.attorneys[index];
                mobile.clone_from(&attorney.mobile);
                signed_at = attorney.signed_at.unwrap_or_default();
                language = attorney.contact_language_preference.clone();
                channel = attorney.channel.clone();
                email.clone_from(&attorney.email);
                p.field("/mobile", &mut mobile, Rule::optional())
                    .field(
                        "/signedAt",
                        &mut signed_at,
                        Rule::required().with_validator(check::time_set),
                    )
                    .field(
                        "/contactLanguagePreference",
                        &mut language,
                        Rule::optional().with_validator(check::valid),
                    )
                    .field(
                        "/channel",
                        &mut channel,
                        Rule::optional().with_validator(check::valid),
                    )
                    .field("/email", &mut email, Rule::optional())
                    .consumed();
            })
            .consumed();
        })
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    let index = chosen.expect("a parse without errors chose an attorney");
    let attorney = &mut lpa.attorneys[index];
    if attorney.has_signed() {
        return Err(vec![FieldError::new("/type", "attorney cannot sign again")]);
    }
    attorney.mobile = mobile;
    attorney.signed_at = Some(signed_at);
    attorney.contact_language_preference = language;
    attorney.channel = channel;
    attorney.email = email;
    Ok(())
}

/// `TRUST_CORPORATION_SIGN`.
pub(super) fn trust_corporation(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "TRUST_CORPORATION_SIGN is being written",
    )])
}

/// `CERTIFICATE_PROVIDER_SIGN`.
pub(super) fn certificate_provider(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "CERTIFICATE_PROVIDER_SIGN is being written",
    )])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, ATTORNEY_UID, change, context};
    use super::*;

    #[test]
    fn attorney_signs_when_addressed_by_index() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/attorneys/0/signedAt",
                json!(null),
                json!("2024-01-10T09:00:00Z"),
            ),
            change("/attorneys/0/channel", json!("paper"), json!("online")),
            change("/attorneys/0/email", json!(null), json!("jake@example.com")),
        ];
        attorney(&changes, &mut lpa, &context()).unwrap();
        assert!(lpa.attorneys[0].has_signed());
        assert_eq!(lpa.attorneys[0].channel, Channel::ONLINE);
        assert_eq!(lpa.attorneys[0].email, "jake@example.com");
    }

    #[test]
    fn attorney_signs_when_addressed_by_uid_but_not_twice() {
        let mut lpa = fixture::lpa();
        let key = format!("/attorneys/{ATTORNEY_UID}/signedAt");
        let changes = [change(&key, json!(null), json!("2024-01-10T09:00:00Z"))];
        attorney(&changes, &mut lpa, &context()).unwrap();
        let again = [change(
            &key,
            json!("2024-01-10T09:00:00Z"),
            json!("2024-01-11T09:00:00Z"),
        )];
        let errors = attorney(&again, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/type", "attorney cannot sign again")]
        );
    }

    #[test]
    fn unknown_attorney_is_out_of_range() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/5/signedAt",
            json!(null),
            json!("2024-01-10T09:00:00Z"),
        )];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/key", "index out of range")]
        );
    }

    #[test]
    fn attorney_sign_without_signed_at_is_missing() {
        let mut lpa = fixture::lpa();
        let changes = [change("/attorneys/0/mobile", json!(null), json!("0777"))];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes", "missing /attorneys/0/signedAt")]
        );
    }
}
