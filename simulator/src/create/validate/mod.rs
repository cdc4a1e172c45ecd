//! Create-time validation of an LPA (`lpa-store-domain.md` §5.3).
//!
//! Findings carry JSON-pointer sources into the request document and the store's messages, and
//! come out in the order the store reports them: the LPA's own enumerations, then each actor in
//! document order, then the decision fields, then the signatures.
//!
//! Layout: `findings` holds the collector and the individual checks, `actors` the checks of
//! each person or corporation, `decisions` the conditional decision and LPA-type fields.

mod actors;
mod decisions;
mod findings;

use findings::Findings;

use crate::model::FieldError;
use crate::model::{Channel, Lang, Lpa, LpaType};

/// Every finding, with a JSON-pointer source into the request document.
pub(super) fn validate(lpa: &Lpa) -> Vec<FieldError> {
    let mut f = Findings::default();
    f.one_of("lpaType", lpa.lpa_type.as_str(), LpaType::ALL);
    f.one_of("channel", lpa.channel.as_str(), Channel::ALL);
    f.one_of("language", lpa.language.as_str(), Lang::ALL);
    actors::donor(&mut f, &lpa.donor);
    actors::certificate_provider(&mut f, &lpa.certificate_provider);
    actors::attorneys(&mut f, &lpa.attorneys);
    actors::trust_corporations(&mut f, &lpa.trust_corporations);
    if let Some(signatory) = &lpa.authorised_signatory {
        actors::authorised_signatory(&mut f, signatory);
    }
    if let Some(witness) = &lpa.independent_witness {
        actors::independent_witness(&mut f, witness);
        // Only a witnessed LPA needs the time of witnessing; its source is top-level.
        f.time(
            "witnessedByIndependentWitnessAt",
            &lpa.witnessed_by_independent_witness_at.unwrap_or_default(),
        );
    }
    decisions::attorneys(&mut f, lpa);
    decisions::step_in(&mut f, lpa);
    decisions::replacements(&mut f, lpa);
    decisions::type_specific(&mut f, lpa);
    f.time("signedAt", &lpa.signed_at);
    f.time(
        "witnessedByCertificateProviderAt",
        &lpa.witnessed_by_certificate_provider_at,
    );
    f.optional_time(
        "certificateProviderNotRelatedConfirmedAt",
        lpa.certificate_provider_not_related_confirmed_at.as_ref(),
    );
    f.into_errors()
}

#[cfg(test)]
mod tests {
    use super::findings::{COUNTRY_CODE, DATETIME, INVALID_VALUE, REQUIRED};
    use super::*;
    use crate::create::fixture;
    use crate::model::{CanUse, Timestamp};

    fn errors(expected: &[(&str, &str)]) -> Vec<FieldError> {
        expected
            .iter()
            .map(|(source, detail)| FieldError::new(*source, *detail))
            .collect()
    }

    #[test]
    fn full_online_property_and_affairs_lpa_has_no_findings() {
        assert_eq!(
            validate(&fixture::online_property_and_affairs()),
            Vec::new()
        );
    }

    #[test]
    fn full_online_personal_welfare_lpa_has_no_findings() {
        assert_eq!(validate(&fixture::online_personal_welfare()), Vec::new());
    }

    #[test]
    fn empty_lpa_reports_every_required_field_in_document_order() {
        let found = validate(&Lpa::default());

        assert_eq!(
            found,
            errors(&[
                ("/lpaType", REQUIRED),
                ("/channel", REQUIRED),
                ("/language", REQUIRED),
                ("/donor/uid", REQUIRED),
                ("/donor/firstNames", REQUIRED),
                ("/donor/lastName", REQUIRED),
                ("/donor/dateOfBirth", REQUIRED),
                ("/donor/address/line1", REQUIRED),
                ("/donor/address/country", REQUIRED),
                ("/donor/address/country", COUNTRY_CODE),
                ("/donor/contactLanguagePreference", REQUIRED),
                ("/certificateProvider/uid", REQUIRED),
                ("/certificateProvider/firstNames", REQUIRED),
                ("/certificateProvider/lastName", REQUIRED),
                ("/certificateProvider/address/line1", REQUIRED),
                ("/certificateProvider/address/country", REQUIRED),
                ("/certificateProvider/address/country", COUNTRY_CODE),
                ("/certificateProvider/channel", REQUIRED),
                ("/certificateProvider/phone", REQUIRED),
                ("/attorneys", "at least one attorney is required"),
                ("/signedAt", REQUIRED),
                ("/witnessedByCertificateProviderAt", REQUIRED),
            ])
        );
    }

    #[test]
    fn online_lpa_without_donor_names_reports_each_missing_field() {
        let mut lpa = fixture::online_property_and_affairs();
        lpa.donor.first_names.clear();
        lpa.donor.last_name.clear();

        assert_eq!(
            validate(&lpa),
            errors(&[
                ("/donor/firstNames", REQUIRED),
                ("/donor/lastName", REQUIRED),
            ])
        );
    }

    #[test]
    fn unknown_top_level_values_report_invalid_value() {
        let mut lpa = fixture::online_property_and_affairs();
        lpa.channel = Channel::new("fax");
        lpa.language = Lang::new("fr");

        assert_eq!(
            validate(&lpa),
            errors(&[("/channel", INVALID_VALUE), ("/language", INVALID_VALUE)])
        );
    }

    #[test]
    fn findings_follow_document_order_across_sections() {
        let mut lpa = fixture::online_property_and_affairs();
        lpa.signed_at = Timestamp::zero();
        lpa.when_the_lpa_can_be_used = CanUse::new("sometimes");
        lpa.trust_corporations[0].address.country = "uk".into();
        lpa.attorneys[3].last_name.clear();
        lpa.certificate_provider.phone.clear();
        lpa.donor.address.line1.clear();

        assert_eq!(
            validate(&lpa),
            errors(&[
                ("/donor/address/line1", REQUIRED),
                ("/certificateProvider/phone", REQUIRED),
                ("/attorneys/3/lastName", REQUIRED),
                ("/trustCorporations/0/address/country", COUNTRY_CODE),
                ("/whenTheLpaCanBeUsed", INVALID_VALUE),
                ("/signedAt", REQUIRED),
            ])
        );
    }

    #[test]
    fn independent_witness_without_witnessing_time_reports_time_required() {
        let mut lpa = fixture::online_personal_welfare();
        lpa.witnessed_by_independent_witness_at = None;

        assert_eq!(
            validate(&lpa),
            errors(&[("/witnessedByIndependentWitnessAt", REQUIRED)])
        );
    }

    #[test]
    fn witnessing_time_is_not_checked_without_an_independent_witness() {
        let mut lpa = fixture::online_personal_welfare();
        lpa.independent_witness = None;
        lpa.witnessed_by_independent_witness_at = Some(Timestamp::zero());

        assert_eq!(validate(&lpa), Vec::new());
    }

    #[test]
    fn zero_not_related_confirmation_reports_invalid_datetime() {
        let mut lpa = fixture::online_personal_welfare();
        lpa.certificate_provider_not_related_confirmed_at = Some(Timestamp::zero());

        assert_eq!(
            validate(&lpa),
            errors(&[("/certificateProviderNotRelatedConfirmedAt", DATETIME)])
        );
    }
}
