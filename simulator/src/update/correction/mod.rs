//! Caseworker corrections: `CORRECTION` before registration and `POST_REGISTRATION_CORRECTION`
//! after it (`lpa-store-domain.md` §6.2).
//!
//! A correction reads its changes into working copies of the sections it may touch, each started
//! from the LPA's current values, so a change's `old` is checked against what is stored and a key
//! left out keeps its value (the decision details aside: see [`decisions`]). Only when every change has been read are the business rules checked
//! and the copies written back, section by section in the store's order; that order decides which
//! refusal a request with several faults gets.
//!
//! Layout:
//! - [`actors`]: the donor, the certificate provider and the one attorney a correction may name;
//! - [`trust_corporation`]: the one trust corporation and its signatories (before registration);
//! - [`witnesses`]: the authorised signatory, the independent witness and when each witnessed
//!   (before registration);
//! - [`decisions`]: how attorneys act and when the LPA can be used, offered only where they mean
//!   something for the LPA at hand.

mod actors;
mod decisions;
mod trust_corporation;
mod witnesses;

use crate::model::FieldError;
use crate::model::{Address, Channel, Lpa, LpaStatus, Timestamp};

use self::actors::{AttorneyCorrection, CertificateProviderCorrection, DonorCorrection};
use self::decisions::Decisions;
use self::trust_corporation::TrustCorporationCorrection;
use self::witnesses::WitnessCorrection;
use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

/// `CORRECTION`: a caseworker corrects details of an LPA that is not registered yet.
///
/// Signatures may be corrected on paper LPAs only, and the donor's date of birth only until
/// their identity has been checked. Name and date-of-birth corrections leave notes.
pub(super) fn pre_registration(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_changes(changes)?;
    let mut correction = BeforeRegistration::from_lpa(lpa);
    errors_or_ok(correction.read(changes, lpa))?;
    correction.apply(lpa, ctx)
}

/// `POST_REGISTRATION_CORRECTION`: a caseworker corrects details of a registered LPA.
///
/// Offers the keys of [`pre_registration`] less the LPA's signature, witnesses and trust
/// corporations, plus an attorney's `cannotMakeJointDecisions` and the restrictions and
/// conditions. As in the store, some keys are read against an empty value rather than the
/// LPA's: the donor's date of birth (which cannot change), the certificate provider's
/// signature date (read, then dropped), an attorney's `cannotMakeJointDecisions` and the
/// restrictions (both always written back, so leaving them out empties them). The store does
/// not check the LPA's status here and writes no notes.
pub(super) fn post_registration(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_changes(changes)?;
    let mut correction = AfterRegistration::from_lpa(lpa);
    errors_or_ok(correction.read(changes, lpa))?;
    correction.apply(lpa)
}

/// Refuses an empty change list, for types that exist to change something (corrections and
/// severance).
pub(super) fn expect_changes(changes: &[Change]) -> Result<(), Vec<FieldError>> {
    if changes.is_empty() {
        Err(vec![FieldError::new("/changes", "no changes provided")])
    } else {
        Ok(())
    }
}

/// Which of the two corrections is running: the keys offered and the rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    BeforeRegistration,
    AfterRegistration,
}

/// The working copies of a `CORRECTION`.
struct BeforeRegistration {
    signed_at: Timestamp,
    donor: DonorCorrection,
    certificate_provider: CertificateProviderCorrection,
    attorney: AttorneyCorrection,
    trust_corporation: TrustCorporationCorrection,
    witnesses: WitnessCorrection,
    decisions: Decisions,
}

impl BeforeRegistration {
    fn from_lpa(lpa: &Lpa) -> Self {
        Self {
            signed_at: lpa.signed_at,
            donor: DonorCorrection::from_lpa(lpa),
            certificate_provider: CertificateProviderCorrection::from_lpa(lpa),
            attorney: AttorneyCorrection::default(),
            trust_corporation: TrustCorporationCorrection::default(),
            witnesses: WitnessCorrection::from_lpa(lpa),
            decisions: Decisions::from_lpa(lpa),
        }
    }

    fn read(&mut self, changes: &[Change], lpa: &Lpa) -> Vec<FieldError> {
        let stage = Stage::BeforeRegistration;
        let mut parser = Parser::new(changes);
        parser.field(
            "/signedAt",
            &mut self.signed_at,
            Rule::optional().with_validator(check::time_set),
        );
        self.donor.read(&mut parser);
        self.certificate_provider.read(&mut parser, stage);
        self.attorney.read(&mut parser, lpa, stage);
        self.trust_corporation.read(&mut parser, lpa);
        self.witnesses.read(&mut parser);
        self.decisions.read(&mut parser, lpa);
        parser.consumed().finish()
    }

    fn apply(self, lpa: &mut Lpa, ctx: &Context) -> Result<(), Vec<FieldError>> {
        let stage = Stage::BeforeRegistration;
        let online = lpa.channel == Channel::ONLINE;
        if online && !self.signed_at.is_zero() && self.signed_at != lpa.signed_at {
            return refuse(
                "/signedAt",
                "LPA Signed on date cannot be changed for online LPAs",
            );
        }
        if lpa.status == LpaStatus::REGISTERED {
            return refuse("/type", "Cannot make corrections to a Registered LPA");
        }
        self.donor.apply_before_registration(lpa, ctx)?;
        self.certificate_provider
            .apply_before_registration(lpa, ctx)?;
        self.attorney.apply(lpa, stage)?;
        self.trust_corporation.apply(lpa);
        self.decisions.apply(lpa);
        self.witnesses.apply(lpa);
        lpa.signed_at = self.signed_at;
        Ok(())
    }
}

/// The working copies of a `POST_REGISTRATION_CORRECTION`.
struct AfterRegistration {
    donor: DonorCorrection,
    certificate_provider: CertificateProviderCorrection,
    attorney: AttorneyCorrection,
    decisions: Decisions,
    restrictions_and_conditions: String,
}

impl AfterRegistration {
    fn from_lpa(lpa: &Lpa) -> Self {
        Self {
            donor: DonorCorrection::after_registration(lpa),
            certificate_provider: CertificateProviderCorrection::from_lpa(lpa),
            attorney: AttorneyCorrection::default(),
            decisions: Decisions::from_lpa(lpa),
            // As in the store, the restrictions are read against an empty value and always
            // written back: a correction that leaves them out empties them.
            restrictions_and_conditions: String::new(),
        }
    }

    fn read(&mut self, changes: &[Change], lpa: &Lpa) -> Vec<FieldError> {
        let stage = Stage::AfterRegistration;
        let mut parser = Parser::new(changes);
        self.donor.read(&mut parser);
        self.certificate_provider.read(&mut parser, stage);
        self.attorney.read(&mut parser, lpa, stage);
        self.decisions.read(&mut parser, lpa);
        parser
            .field(
                "/restrictionsAndConditions",
                &mut self.restrictions_and_conditions,
                Rule::optional(),
            )
            .consumed()
            .finish()
    }

    fn apply(self, lpa: &mut Lpa) -> Result<(), Vec<FieldError>> {
        let stage = Stage::AfterRegistration;
        self.donor.apply_after_registration(lpa)?;
        self.certificate_provider.apply_after_registration(lpa);
        self.attorney.apply(lpa, stage)?;
        self.decisions.apply(lpa);
        lpa.restrictions_and_conditions = self.restrictions_and_conditions;
        Ok(())
    }
}

/// Reads the optional `/address/...` keys of an actor into `address`. Every line may change;
/// only the country is checked.
fn read_address(parser: &mut Parser, address: &mut Address) {
    parser.prefix("/address", true, |p| {
        p.field("/line1", &mut address.line1, Rule::optional())
            .field("/line2", &mut address.line2, Rule::optional())
            .field("/line3", &mut address.line3, Rule::optional())
            .field("/town", &mut address.town, Rule::optional())
            .field("/postcode", &mut address.postcode, Rule::optional())
            .field(
                "/country",
                &mut address.country,
                Rule::optional().with_validator(check::country),
            )
            .consumed();
    });
}

/// Settles which actor a single-actor correction addresses: the first group of keys picks it;
/// an unknown actor, or a second one, is refused (`None`).
fn pick(chosen: Option<usize>, found: Option<usize>) -> Option<usize> {
    found.filter(|index| chosen.is_none_or(|c| c == *index))
}

/// A name as the store writes it in notes.
fn full_name(first_names: &str, last_name: &str) -> String {
    format!("{first_names} {last_name}")
}

/// A business-rule refusal: one error, at a source of the store's choosing.
fn refuse(source: &str, detail: &str) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(source, detail)])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, change, context};
    use super::*;

    #[test]
    fn corrections_without_changes_are_refused_as_no_changes_provided() {
        let mut lpa = fixture::lpa();
        let expected = vec![FieldError::new("/changes", "no changes provided")];
        assert_eq!(
            pre_registration(&[], &mut lpa, &context()).unwrap_err(),
            expected
        );
        assert_eq!(
            post_registration(&[], &mut lpa, &context()).unwrap_err(),
            expected
        );
    }

    #[test]
    fn lpa_signed_at_cannot_change_for_an_online_lpa() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/signedAt",
            json!("2000-01-02T12:13:14Z"),
            json!("2000-01-03T12:13:14Z"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/signedAt",
                "LPA Signed on date cannot be changed for online LPAs"
            )]
        );
    }

    #[test]
    fn lpa_signed_at_is_corrected_on_a_paper_lpa() {
        let mut lpa = fixture::lpa();
        lpa.channel = Channel::PAPER;
        let changes = [change(
            "/signedAt",
            json!("2000-01-02T12:13:14Z"),
            json!("2000-01-03T12:13:14Z"),
        )];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.signed_at,
            Timestamp::parse("2000-01-03T12:13:14Z").unwrap()
        );
        assert!(lpa.notes.is_empty());
    }

    #[test]
    fn registered_lpa_cannot_be_corrected_before_registration() {
        let mut lpa = fixture::lpa();
        lpa.status = LpaStatus::REGISTERED;
        let changes = [change("/donor/lastName", json!("Zoller"), json!("Perkins"))];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "Cannot make corrections to a Registered LPA"
            )]
        );
    }

    #[test]
    fn unknown_keys_are_unexpected_and_stale_old_values_do_not_match() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/donor/lastName", json!("Smith"), json!("Perkins")),
            change("/donor/nickname", json!(null), json!("Homie")),
            change("/uid", json!(null), json!("M-1111-2222-3333")),
        ];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/old", "does not match existing value"),
                FieldError::new("/changes/1", "unexpected change provided"),
                FieldError::new("/changes/2", "unexpected change provided"),
            ]
        );
        assert_eq!(lpa, fixture::lpa(), "a refused correction changes nothing");
    }

    #[test]
    fn address_lines_are_corrected_and_the_country_is_checked() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/donor/address/line2", json!(null), json!("Upper Flat")),
            change("/donor/address/country", json!("GB"), json!("IE")),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.donor.address.line1, "79 Bury Rd");
        assert_eq!(lpa.donor.address.line2, "Upper Flat");
        assert_eq!(lpa.donor.address.country, "IE");

        let bad = [change(
            "/certificateProvider/address/country",
            json!("AU"),
            json!("Australia"),
        )];
        let errors = pre_registration(&bad, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/changes/0/new",
                "must be a valid ISO-3166-1 country code"
            )]
        );
    }

    #[test]
    fn post_registration_correction_sets_restrictions_without_status_check_or_notes() {
        let mut lpa = fixture::lpa();
        lpa.status = LpaStatus::REGISTERED;
        lpa.restrictions_and_conditions = "I always live in Edinburgh".into();
        let changes = [
            // As in the store, the restrictions are read against an empty value.
            change(
                "/restrictionsAndConditions",
                json!(null),
                json!("I live in Edinburgh"),
            ),
            change("/donor/firstNames", json!("Homer"), json!("Homer Jay")),
            change(
                "/certificateProvider/phone",
                json!("070009000"),
                json!("070009001"),
            ),
        ];
        post_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.restrictions_and_conditions, "I live in Edinburgh");
        assert_eq!(lpa.donor.first_names, "Homer Jay");
        assert_eq!(lpa.certificate_provider.phone, "070009001");
        assert!(lpa.notes.is_empty(), "{:?}", lpa.notes);
    }

    #[test]
    fn post_registration_correction_empties_restrictions_it_does_not_name() {
        let mut lpa = fixture::lpa();
        lpa.donor.email = "homer@example.com".into();
        lpa.restrictions_and_conditions = "Not the house".into();
        let changes = [change(
            "/donor/email",
            json!("homer@example.com"),
            json!(null),
        )];
        post_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.donor.email, "homer@example.com", "null leaves a value");
        assert_eq!(lpa.restrictions_and_conditions, "", "as the store does");
    }

    #[test]
    fn post_registration_refuses_lpa_signature_witness_and_trust_corporation_keys() {
        let mut lpa = fixture::lpa();
        let at = json!("2024-01-10T09:00:00Z");
        let changes = [
            change("/signedAt", json!("2000-01-02T12:13:14Z"), at.clone()),
            change("/certificateProvider/signedAt", json!(null), at.clone()),
            change("/attorneys/0/signedAt", json!(null), at.clone()),
            change(
                "/trustCorporations/0/name",
                json!("Trust us Corp."),
                json!("T"),
            ),
            change("/independentWitness/phone", json!(null), json!("0")),
            change("/witnessedByCertificateProviderAt", json!(null), at),
        ];
        let errors = post_registration(&changes, &mut lpa, &context()).unwrap_err();
        let unexpected =
            |i: usize| FieldError::new(format!("/changes/{i}"), "unexpected change provided");
        assert_eq!(
            errors,
            vec![unexpected(0), unexpected(3), unexpected(4), unexpected(5)],
            "the actors' signature dates are read, and dropped"
        );
    }
}
