//! Creating an LPA (`PUT /lpas/{uid}`, `lpa-store-domain.md` §2.1, §5.3–5.4).
//!
//! The store fills in what the caller does not own (UID from the path, status, `updatedAt`,
//! actor UUIDs), applies the decision-mode defaults, and validates. As in the real store,
//! validation failures refuse only online LPAs: a paper LPA is stored whatever its gaps, because
//! it transcribes a form that has already been executed.

mod defaults;
#[cfg(test)]
mod fixture;
mod validate;

use base64::Engine;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::FieldError;
use crate::model::{Channel, Image, Lpa, LpaStatus, Timestamp};
use crate::store::{Event, ImageObject, NewLpa};

/// What became of a create request that may be stored.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The LPA to store.
    pub(crate) lpa: Lpa,
    /// Validation findings of a paper LPA, stored anyway; logged, never sent.
    pub(crate) paper_findings: Vec<FieldError>,
}

/// Turns a create request into the LPA to store, or the errors that refuse it.
///
/// Image uploads are left as they came; the caller stores their bytes.
pub(crate) fn prepare(
    mut lpa: Lpa,
    uid: &str,
    now: Timestamp,
) -> Result<Prepared, Vec<FieldError>> {
    // Fields the caller does not own: Go's create input has no such fields, so they are dropped.
    lpa.uid = uid.to_owned();
    lpa.status = LpaStatus::IN_PROGRESS;
    lpa.updated_at = now;
    lpa.registration_date = None;
    lpa.notes.clear();
    defaults::apply(&mut lpa);
    // The store validates what the caller sent, so an online LPA without actor UIDs is refused;
    // only what it stores (a valid or a paper LPA) gets generated UIDs.
    let findings = validate::validate(&lpa);
    if !findings.is_empty() && lpa.channel != Channel::PAPER {
        return Err(findings);
    }
    assign_actor_uids(&mut lpa);
    Ok(Prepared {
        lpa,
        paper_findings: findings,
    })
}

/// Prepares a create request for the store: the LPA with its uploaded images replaced by their
/// object paths and hashes, the image bytes, and the `CREATE` event. Needs no database, so queue
/// mode can run it before accepting the write.
pub fn new_lpa(body: Lpa, uid: &str, now: Timestamp) -> Result<NewLpa, Vec<FieldError>> {
    let prepared = prepare(body, uid, now)?;
    if !prepared.paper_findings.is_empty() {
        tracing::info!(%uid, findings = ?prepared.paper_findings, "paper LPA stored with validation findings");
    }
    let mut lpa = prepared.lpa;
    let mut images = Vec::new();
    store_images(
        uid,
        "rc",
        &mut lpa.restrictions_and_conditions_images,
        &mut images,
    )?;
    store_images(
        uid,
        "amd",
        &mut lpa.how_attorneys_make_decisions_details_images,
        &mut images,
    )?;
    let event = Event::lpa_updated(uid, "CREATE", now);
    Ok(NewLpa { lpa, images, event })
}

/// Replaces uploaded images by their object paths (`<uid>/scans/<prefix>_<i>_<filename>`) and
/// hex SHA-256 hashes, collecting the bytes to store.
fn store_images(
    uid: &str,
    prefix: &str,
    list: &mut [Image],
    objects: &mut Vec<ImageObject>,
) -> Result<(), Vec<FieldError>> {
    let field = if prefix == "rc" {
        "restrictionsAndConditionsImages"
    } else {
        "howAttorneysMakeDecisionsDetailsImages"
    };
    for (i, image) in list.iter_mut().enumerate() {
        let Image::Upload { filename, data } = image else {
            continue;
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|_| {
                vec![FieldError::new(
                    format!("/{field}/{i}/data"),
                    "invalid format",
                )]
            })?;
        let path = format!("{uid}/scans/{prefix}_{i}_{filename}");
        let hash = format!("{:x}", Sha256::digest(&bytes));
        objects.push(ImageObject {
            path: path.clone(),
            bytes,
        });
        *image = Image::Stored { path, hash };
    }
    Ok(())
}

/// Gives a fresh v4 UUID to every actor that arrived without one.
fn assign_actor_uids(lpa: &mut Lpa) {
    let fill = |uid: &mut String| {
        if uid.is_empty() {
            *uid = Uuid::new_v4().to_string();
        }
    };
    fill(&mut lpa.donor.uid);
    fill(&mut lpa.certificate_provider.uid);
    lpa.attorneys.iter_mut().for_each(|a| fill(&mut a.uid));
    lpa.trust_corporations
        .iter_mut()
        .for_each(|t| fill(&mut t.uid));
    lpa.people_to_notify
        .iter_mut()
        .for_each(|p| fill(&mut p.uid));
    if let Some(witness) = &mut lpa.independent_witness {
        fill(&mut witness.uid);
    }
    if let Some(signatory) = &mut lpa.authorised_signatory {
        fill(&mut signatory.uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HowMakeDecisions;

    const UID: &str = "M-0000-1111-2222";

    fn now() -> Timestamp {
        Timestamp::parse("2024-06-01T10:00:00Z").expect("valid timestamp")
    }

    #[test]
    fn prepare_stores_valid_online_lpa_with_store_owned_fields_set() {
        let mut request = fixture::online_property_and_affairs();
        request.status = LpaStatus::REGISTERED;

        let prepared = prepare(request, UID, now()).expect("a valid LPA is accepted");

        assert!(prepared.paper_findings.is_empty());
        assert_eq!(prepared.lpa.uid, UID);
        assert_eq!(prepared.lpa.status, LpaStatus::IN_PROGRESS);
        assert_eq!(prepared.lpa.updated_at, now());
    }

    #[test]
    fn prepare_refuses_online_lpa_without_actor_uids_but_fills_them_in_on_paper() {
        let mut request = fixture::online_property_and_affairs();
        request.donor.uid.clear();

        let errors = prepare(request.clone(), UID, now()).expect_err("online UIDs are required");
        assert_eq!(
            errors,
            vec![FieldError::new("/donor/uid", "field is required")]
        );

        request.channel = Channel::PAPER;
        let prepared = prepare(request, UID, now()).expect("a paper LPA is always stored");
        assert!(Uuid::try_parse(&prepared.lpa.donor.uid).is_ok());
    }

    #[test]
    fn prepare_refuses_invalid_online_lpa_with_its_findings() {
        let mut request = fixture::online_personal_welfare();
        request.donor.first_names.clear();
        request.attorneys[0].uid = "not-a-uuid".into();

        let errors = prepare(request, UID, now()).expect_err("an invalid online LPA is refused");

        assert_eq!(
            errors,
            vec![
                FieldError::new("/donor/firstNames", "field is required"),
                FieldError::new("/attorneys/0/uid", "invalid format"),
            ]
        );
    }

    #[test]
    fn prepare_stores_invalid_paper_lpa_and_keeps_its_findings() {
        let mut request = fixture::online_property_and_affairs();
        request.channel = Channel::PAPER;
        request.donor.first_names.clear();
        request.signed_at = Timestamp::zero();

        let prepared = prepare(request, UID, now()).expect("a paper LPA is always stored");

        assert_eq!(prepared.lpa.uid, UID);
        assert!(prepared.lpa.donor.first_names.is_empty());
        assert_eq!(
            prepared.paper_findings,
            vec![
                FieldError::new("/donor/firstNames", "field is required"),
                FieldError::new("/signedAt", "field is required"),
            ]
        );
    }

    #[test]
    fn prepare_applies_defaults_before_validating() {
        let mut request = fixture::online_personal_welfare();
        request.how_attorneys_make_decisions = HowMakeDecisions::default();
        request.life_sustaining_treatment_option = Default::default();
        // Two replacements stepping in once all attorneys stop need a replacement mode.
        request.how_replacement_attorneys_make_decisions = HowMakeDecisions::default();
        request
            .how_replacement_attorneys_make_decisions_details
            .clear();

        let lpa = prepare(request, UID, now())
            .expect("defaults complete the LPA")
            .lpa;

        assert!(lpa.how_attorneys_make_decisions_is_default);
        assert!(lpa.life_sustaining_treatment_option_is_default);
        assert!(lpa.how_replacement_attorneys_make_decisions_is_default);
    }

    #[test]
    fn prepare_refuses_replacement_default_that_validation_does_not_allow() {
        // The store's defaulting and validation rules for replacement decisions differ: mixed
        // attorney decisions with two replacements get a default the validator then refuses.
        let mut request = fixture::online_property_and_affairs();
        request.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;
        request.how_attorneys_make_decisions_details = "Jointly for the house".into();
        request.how_replacement_attorneys_step_in = Default::default();
        request.how_replacement_attorneys_make_decisions = HowMakeDecisions::default();
        request
            .how_replacement_attorneys_make_decisions_details
            .clear();

        let errors = prepare(request, UID, now()).expect_err("the default is refused");

        assert_eq!(
            errors,
            vec![FieldError::new(
                "/howReplacementAttorneysMakeDecisions",
                "field must not be provided"
            )]
        );
    }
}
