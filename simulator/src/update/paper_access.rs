//! Paper actors who continue online.
//!
//! A certificate provider or attorney invited on paper enters an access code online and gives
//! an email address. The store records the email only; the channel stays `paper` until the
//! actor signs online. A paper actor has no email, and the store compares `old` with an empty
//! email rather than the stored one, so `old` must be `null` (or `""`).

use crate::model::FieldError;
use crate::model::{Channel, Lpa};

use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

fn not_paper() -> Vec<FieldError> {
    vec![FieldError::new("/channel", "lpa channel is not paper")]
}

/// `PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE`: a paper certificate provider gives an email.
pub(super) fn certificate_provider(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let mut email = String::new();
    let errors = Parser::new(changes)
        .field(
            "/certificateProvider/email",
            &mut email,
            Rule::required().with_validator(check::not_empty),
        )
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    if lpa.certificate_provider.channel != Channel::PAPER {
        return Err(not_paper());
    }
    lpa.certificate_provider.email = email;
    Ok(())
}

/// `PAPER_ATTORNEY_ACCESS_ONLINE`: one paper attorney, addressed by UID (or index), gives an
/// email.
pub(super) fn attorney(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let current: &Lpa = lpa;
    let mut chosen: Option<usize> = None;
    let mut email = String::new();
    let errors = Parser::new(changes)
        .prefix("/attorneys", false, |p| {
            p.each(|segment, p| match current.find_attorney(segment) {
                Some(index) if chosen.is_none_or(|c| c == index) => {
                    chosen = Some(index);
                    p.field(
                        "/email",
                        &mut email,
                        Rule::required().with_validator(check::not_empty),
                    )
                    .consumed();
                }
                _ => {
                    p.out_of_range();
                }
            })
            .consumed();
        })
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    let index = chosen.expect("a parse without errors chose an attorney");
    let attorney = &mut lpa.attorneys[index];
    if attorney.channel != Channel::PAPER {
        return Err(not_paper());
    }
    attorney.email = email;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, ATTORNEY_UID, change, context};
    use super::*;

    #[test]
    fn paper_certificate_provider_gives_an_email() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/certificateProvider/email",
            json!(null),
            json!("cp@example.com"),
        )];
        certificate_provider(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.certificate_provider.email, "cp@example.com");
        assert_eq!(lpa.certificate_provider.channel, Channel::PAPER);
    }

    #[test]
    fn online_certificate_provider_cannot_access_online_again() {
        let mut lpa = fixture::lpa();
        lpa.certificate_provider.channel = Channel::ONLINE;
        let changes = [change(
            "/certificateProvider/email",
            json!(null),
            json!("cp@example.com"),
        )];
        let errors = certificate_provider(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/channel", "lpa channel is not paper")]
        );
        assert_eq!(lpa.certificate_provider.email, "");
    }

    #[test]
    fn certificate_provider_access_needs_the_email_key_only() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/certificateProvider/phone",
            json!("070009000"),
            json!("0800"),
        )];
        let errors = certificate_provider(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes", "missing /certificateProvider/email"),
                FieldError::new("/changes/0", "unexpected change provided"),
            ]
        );
    }

    #[test]
    fn paper_attorney_gives_an_email_when_addressed_by_uid() {
        let mut lpa = fixture::lpa();
        let key = format!("/attorneys/{ATTORNEY_UID}/email");
        let changes = [change(&key, json!(null), json!("jake@example.com"))];
        attorney(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.attorneys[0].email, "jake@example.com");
        assert_eq!(lpa.attorneys[0].channel, Channel::PAPER);
    }

    #[test]
    fn online_attorney_cannot_access_online_again() {
        let mut lpa = fixture::lpa();
        lpa.attorneys[0].channel = Channel::ONLINE;
        let changes = [change(
            "/attorneys/0/email",
            json!(null),
            json!("jake@example.com"),
        )];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/channel", "lpa channel is not paper")]
        );
    }

    #[test]
    fn unknown_attorney_access_is_out_of_range() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/5a1b9b3e-61c4-4bd4-b1c1-8f8a5b3c2d10/email",
            json!(null),
            json!("a@example.com"),
        )];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/key", "index out of range")]
        );
    }

    #[test]
    fn attorney_access_reports_missing_email_and_unexpected_keys() {
        let mut lpa = fixture::lpa();
        let key = format!("/attorneys/{ATTORNEY_UID}/firstNames");
        let changes = [change(&key, json!("Jake"), json!("John"))];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new(
                    "/changes",
                    format!("missing /attorneys/{ATTORNEY_UID}/email")
                ),
                FieldError::new("/changes/0", "unexpected change provided"),
            ]
        );
    }
}
