//! The journal of recent requests, readable at `GET /__admin/requests`, so a consumer team can
//! see what their service actually sent (and what it was answered) without a packet capture.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::model::Timestamp;

/// How many requests are kept; older ones are forgotten first.
pub(crate) const JOURNAL_CAPACITY: usize = 1000;

/// One request as the simulator saw and answered it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordedRequest {
    /// Position since start, from 1.
    pub(crate) sequence: u64,
    /// When it arrived.
    pub(crate) at: Timestamp,
    /// HTTP method.
    pub(crate) method: String,
    /// Path, without the query.
    pub(crate) path: String,
    /// The query's parameter names, without their values (which may hold secrets), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) query: Option<String>,
    /// Issuer of a valid JWT, if any: which consumer called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) issuer: Option<String>,
    /// Status answered (0 when the connection was dropped on purpose by a fault).
    pub(crate) status: u16,
    /// Time to answer, in milliseconds.
    pub(crate) duration_ms: u64,
    /// The `Retry-After` the answer carried, in seconds, if any: what a well-behaved consumer
    /// waits before asking again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<u64>,
    /// The HTTP fault that decided the answer, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fault: Option<String>,
}

#[derive(Debug, Default)]
struct Entries {
    next: u64,
    recent: VecDeque<RecordedRequest>,
}

/// The journal; cheap to clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct Journal {
    entries: Arc<Mutex<Entries>>,
}

impl Journal {
    /// Records one request, assigning its sequence number.
    pub(crate) fn record(&self, mut request: RecordedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.next += 1;
        request.sequence = entries.next;
        if entries.recent.len() == JOURNAL_CAPACITY {
            entries.recent.pop_front();
        }
        entries.recent.push_back(request);
    }

    /// Recorded requests with a sequence above `after`, oldest first.
    pub(crate) fn since(&self, after: u64) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .recent
            .iter()
            .filter(|r| r.sequence > after)
            .cloned()
            .collect()
    }

    /// Forgets everything recorded so far (sequence numbers keep increasing).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recent
            .clear();
    }
}
