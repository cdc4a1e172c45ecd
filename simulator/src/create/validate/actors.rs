//! Checks of the people (and trust corporations) named in a create request.
//!
//! Each function checks one section of the request and reports under that section's pointer,
//! e.g. `/certificateProvider/phone` or `/trustCorporations/0/address/country`.

use super::findings::Findings;
use crate::model::{
    AppointmentType, Attorney, AttorneyStatus, AuthorisedSignatory, CertificateProvider, Channel,
    Donor, IdentityCheckType, IndependentWitness, Lang, TrustCorporation,
};

/// The donor: identity, date of birth, address and contact language; an identity check if one
/// was sent.
pub(super) fn donor(f: &mut Findings, donor: &Donor) {
    f.within("donor", |f| {
        f.uuid("uid", &donor.uid);
        f.required("firstNames", &donor.first_names);
        f.required("lastName", &donor.last_name);
        f.date("dateOfBirth", &donor.date_of_birth);
        f.address("address", &donor.address);
        f.one_of(
            "contactLanguagePreference",
            donor.contact_language_preference.as_str(),
            Lang::ALL,
        );
        if let Some(check) = &donor.identity_check {
            f.within("identityCheck", |f| {
                f.time("checkedAt", &check.checked_at);
                f.one_of("type", check.check_type.as_str(), IdentityCheckType::ALL);
            });
        }
    });
}

/// The certificate provider; the email rule follows their own channel, not the LPA's.
pub(super) fn certificate_provider(f: &mut Findings, provider: &CertificateProvider) {
    f.within("certificateProvider", |f| {
        f.uuid("uid", &provider.uid);
        f.required("firstNames", &provider.first_names);
        f.required("lastName", &provider.last_name);
        f.address("address", &provider.address);
        f.one_of("channel", provider.channel.as_str(), Channel::ALL);
        f.email_for(&provider.channel, &provider.email);
        f.required("phone", &provider.phone);
    });
}

/// Original and replacement attorneys. At least one person must be named here: trust
/// corporations, which sit in their own array, do not make up for an empty one.
pub(super) fn attorneys(f: &mut Findings, attorneys: &[Attorney]) {
    if attorneys.is_empty() {
        f.report("attorneys", "at least one attorney is required");
        return;
    }
    f.within("attorneys", |f| {
        for (index, attorney) in attorneys.iter().enumerate() {
            f.within(index, |f| {
                f.uuid("uid", &attorney.uid);
                f.required("firstNames", &attorney.first_names);
                f.required("lastName", &attorney.last_name);
                f.date("dateOfBirth", &attorney.date_of_birth);
                f.address("address", &attorney.address);
                appointment(
                    f,
                    &attorney.status,
                    &attorney.channel,
                    &attorney.appointment_type,
                );
                f.email_for(&attorney.channel, &attorney.email);
            });
        }
    });
}

/// Trust corporations. The company number is not asked for here: the corporation confirms it
/// when it signs (`TRUST_CORPORATION_SIGN`).
pub(super) fn trust_corporations(f: &mut Findings, corporations: &[TrustCorporation]) {
    f.within("trustCorporations", |f| {
        for (index, corporation) in corporations.iter().enumerate() {
            f.within(index, |f| {
                f.uuid("uid", &corporation.uid);
                f.required("name", &corporation.name);
                f.address("address", &corporation.address);
                appointment(
                    f,
                    &corporation.status,
                    &corporation.channel,
                    &corporation.appointment_type,
                );
                f.email_for(&corporation.channel, &corporation.email);
            });
        }
    });
}

/// Status, channel and appointment type, shared by attorneys and trust corporations.
fn appointment(
    f: &mut Findings,
    status: &AttorneyStatus,
    channel: &Channel,
    appointment_type: &AppointmentType,
) {
    f.one_of("status", status.as_str(), AttorneyStatus::ALL);
    f.one_of("channel", channel.as_str(), Channel::ALL);
    f.one_of(
        "appointmentType",
        appointment_type.as_str(),
        AppointmentType::ALL,
    );
}

/// Someone signing for a donor who cannot. Their uid need only be present, not a UUID: the
/// store checks the format only for the donor, certificate provider, attorneys and trust
/// corporations.
pub(super) fn authorised_signatory(f: &mut Findings, signatory: &AuthorisedSignatory) {
    f.within("authorisedSignatory", |f| {
        f.required("uid", &signatory.uid);
        f.required("firstNames", &signatory.first_names);
        f.required("lastName", &signatory.last_name);
    });
}

/// The independent witness of a donor who cannot sign; as for the authorised signatory, the uid
/// need only be present.
pub(super) fn independent_witness(f: &mut Findings, witness: &IndependentWitness) {
    f.within("independentWitness", |f| {
        f.required("uid", &witness.uid);
        f.required("firstNames", &witness.first_names);
        f.required("lastName", &witness.last_name);
        f.required("phone", &witness.phone);
        f.address("address", &witness.address);
    });
}

#[cfg(test)]
mod tests {
    use super::super::findings::{
        COUNTRY_CODE, INVALID_FORMAT, INVALID_VALUE, NOT_PROVIDED, REQUIRED,
    };
    use super::*;
    use crate::create::fixture;
    use crate::model::FieldError;
    use crate::model::{Date, IdentityCheck, Timestamp};

    fn run(check: impl FnOnce(&mut Findings)) -> Vec<FieldError> {
        let mut f = Findings::default();
        check(&mut f);
        f.into_errors()
    }

    fn errors(expected: &[(&str, &str)]) -> Vec<FieldError> {
        expected
            .iter()
            .map(|(source, detail)| FieldError::new(*source, *detail))
            .collect()
    }

    #[test]
    fn empty_donor_reports_each_missing_field_in_document_order() {
        let found = run(|f| donor(f, &Donor::default()));

        assert_eq!(
            found,
            errors(&[
                ("/donor/uid", REQUIRED),
                ("/donor/firstNames", REQUIRED),
                ("/donor/lastName", REQUIRED),
                ("/donor/dateOfBirth", REQUIRED),
                ("/donor/address/line1", REQUIRED),
                ("/donor/address/country", REQUIRED),
                ("/donor/address/country", COUNTRY_CODE),
                ("/donor/contactLanguagePreference", REQUIRED),
            ])
        );
    }

    #[test]
    fn donor_with_bad_uid_date_and_language_reports_format_and_value() {
        let mut bad = fixture::online_property_and_affairs().donor;
        bad.uid = "not-a-uuid".into();
        bad.date_of_birth = Date::parse("06/04/1960");
        bad.contact_language_preference = Lang::new("fr");

        let found = run(|f| donor(f, &bad));

        assert_eq!(
            found,
            errors(&[
                ("/donor/uid", INVALID_FORMAT),
                ("/donor/dateOfBirth", INVALID_FORMAT),
                ("/donor/contactLanguagePreference", INVALID_VALUE),
            ])
        );
    }

    #[test]
    fn donor_identity_check_is_checked_only_when_sent() {
        let mut checked = fixture::online_property_and_affairs().donor;
        checked.identity_check = Some(IdentityCheck {
            checked_at: Timestamp::zero(),
            check_type: IdentityCheckType::new("passport"),
        });
        let mut unchecked = checked.clone();
        unchecked.identity_check = None;

        assert_eq!(
            run(|f| donor(f, &checked)),
            errors(&[
                ("/donor/identityCheck/checkedAt", REQUIRED),
                ("/donor/identityCheck/type", INVALID_VALUE),
            ])
        );
        assert_eq!(run(|f| donor(f, &unchecked)), errors(&[]));
    }

    #[test]
    fn empty_certificate_provider_reports_each_missing_field_but_not_email() {
        let found = run(|f| certificate_provider(f, &CertificateProvider::default()));

        assert_eq!(
            found,
            errors(&[
                ("/certificateProvider/uid", REQUIRED),
                ("/certificateProvider/firstNames", REQUIRED),
                ("/certificateProvider/lastName", REQUIRED),
                ("/certificateProvider/address/line1", REQUIRED),
                ("/certificateProvider/address/country", REQUIRED),
                ("/certificateProvider/address/country", COUNTRY_CODE),
                ("/certificateProvider/channel", REQUIRED),
                ("/certificateProvider/phone", REQUIRED),
            ])
        );
    }

    #[test]
    fn online_certificate_provider_without_email_reports_email_required() {
        let mut provider = fixture::online_property_and_affairs().certificate_provider;
        provider.email.clear();

        assert_eq!(
            run(|f| certificate_provider(f, &provider)),
            errors(&[("/certificateProvider/email", REQUIRED)])
        );
    }

    #[test]
    fn paper_certificate_provider_with_email_reports_email_not_provided() {
        let mut provider = fixture::online_property_and_affairs().certificate_provider;
        provider.channel = Channel::PAPER;

        assert_eq!(
            run(|f| certificate_provider(f, &provider)),
            errors(&[("/certificateProvider/email", NOT_PROVIDED)])
        );
    }

    #[test]
    fn no_attorneys_reports_one_finding_on_the_array() {
        assert_eq!(
            run(|f| attorneys(f, &[])),
            errors(&[("/attorneys", "at least one attorney is required")])
        );
    }

    #[test]
    fn empty_attorney_reports_each_missing_field_under_its_index() {
        let list = [fixture::original_attorney(), Attorney::default()];

        let found = run(|f| attorneys(f, &list));

        assert_eq!(
            found,
            errors(&[
                ("/attorneys/1/uid", REQUIRED),
                ("/attorneys/1/firstNames", REQUIRED),
                ("/attorneys/1/lastName", REQUIRED),
                ("/attorneys/1/dateOfBirth", REQUIRED),
                ("/attorneys/1/address/line1", REQUIRED),
                ("/attorneys/1/address/country", REQUIRED),
                ("/attorneys/1/address/country", COUNTRY_CODE),
                ("/attorneys/1/status", REQUIRED),
                ("/attorneys/1/channel", REQUIRED),
                ("/attorneys/1/appointmentType", REQUIRED),
            ])
        );
    }

    #[test]
    fn attorney_with_unknown_values_reports_invalid_values_and_email_rule() {
        let mut attorney = fixture::original_attorney();
        attorney.status = AttorneyStatus::new("acting");
        attorney.appointment_type = AppointmentType::new("spare");
        attorney.channel = Channel::PAPER;

        let found = run(|f| attorneys(f, &[attorney]));

        assert_eq!(
            found,
            errors(&[
                ("/attorneys/0/status", INVALID_VALUE),
                ("/attorneys/0/appointmentType", INVALID_VALUE),
                ("/attorneys/0/email", NOT_PROVIDED),
            ])
        );
    }

    #[test]
    fn empty_trust_corporation_reports_each_missing_field_but_not_company_number() {
        let list = [TrustCorporation::default()];

        let found = run(|f| trust_corporations(f, &list));

        assert_eq!(
            found,
            errors(&[
                ("/trustCorporations/0/uid", REQUIRED),
                ("/trustCorporations/0/name", REQUIRED),
                ("/trustCorporations/0/address/line1", REQUIRED),
                ("/trustCorporations/0/address/country", REQUIRED),
                ("/trustCorporations/0/address/country", COUNTRY_CODE),
                ("/trustCorporations/0/status", REQUIRED),
                ("/trustCorporations/0/channel", REQUIRED),
                ("/trustCorporations/0/appointmentType", REQUIRED),
            ])
        );
    }

    #[test]
    fn online_trust_corporation_without_email_reports_email_required() {
        let mut corporation = fixture::trust_corporation();
        corporation.email.clear();
        corporation.uid = "1234".into();

        assert_eq!(
            run(|f| trust_corporations(f, &[corporation])),
            errors(&[
                ("/trustCorporations/0/uid", INVALID_FORMAT),
                ("/trustCorporations/0/email", REQUIRED),
            ])
        );
    }

    #[test]
    fn empty_authorised_signatory_and_witness_report_missing_fields_and_accept_any_uid() {
        let signatory = AuthorisedSignatory {
            uid: "not-a-uuid".into(),
            ..AuthorisedSignatory::default()
        };

        let found = run(|f| {
            authorised_signatory(f, &signatory);
            independent_witness(f, &IndependentWitness::default());
        });

        assert_eq!(
            found,
            errors(&[
                ("/authorisedSignatory/firstNames", REQUIRED),
                ("/authorisedSignatory/lastName", REQUIRED),
                ("/independentWitness/uid", REQUIRED),
                ("/independentWitness/firstNames", REQUIRED),
                ("/independentWitness/lastName", REQUIRED),
                ("/independentWitness/phone", REQUIRED),
                ("/independentWitness/address/line1", REQUIRED),
                ("/independentWitness/address/country", REQUIRED),
                ("/independentWitness/address/country", COUNTRY_CODE),
            ])
        );
    }
}
