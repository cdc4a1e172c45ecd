//! Creating an LPA (`PUT /lpas/{uid}`, `lpa-store-domain.md` §2.1, §5.3–5.4).
//!
//! The store fills in what the caller does not own (UID from the path, status, `updatedAt`,
//! actor UUIDs), applies the decision-mode defaults, and validates. As in the real store,
//! validation failures refuse only online LPAs: a paper LPA is stored whatever its gaps, because
//! it transcribes a form that has already been executed.

mod defaults;
mod validate;

use uuid::Uuid;

use crate::model::{Channel, Lpa, LpaStatus, Timestamp};
use crate::problem::FieldError;

/// What became of a create request that may be stored.
#[derive(Debug)]
pub struct Prepared {
    /// The LPA to store.
    pub lpa: Lpa,
    /// Validation findings of a paper LPA, stored anyway; logged, never sent.
    pub paper_findings: Vec<FieldError>,
}

/// Turns a create request into the LPA to store, or the errors that refuse it.
///
/// Image uploads are left as they came; the caller stores their bytes.
pub fn prepare(mut lpa: Lpa, uid: &str, now: Timestamp) -> Result<Prepared, Vec<FieldError>> {
    // Fields the caller does not own: Go's create input has no such fields, so they are dropped.
    lpa.uid = uid.to_owned();
    lpa.status = LpaStatus::IN_PROGRESS;
    lpa.updated_at = now;
    lpa.registration_date = None;
    lpa.notes.clear();
    assign_actor_uids(&mut lpa);
    defaults::apply(&mut lpa);
    let findings = validate::validate(&lpa);
    if findings.is_empty() {
        return Ok(Prepared {
            lpa,
            paper_findings: Vec::new(),
        });
    }
    if lpa.channel == Channel::PAPER {
        Ok(Prepared {
            lpa,
            paper_findings: findings,
        })
    } else {
        Err(findings)
    }
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
