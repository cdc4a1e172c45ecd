//! The in-memory store: no database needed, nothing kept across restarts.

use std::collections::HashMap;

use async_trait::async_trait;
use tokio::sync::RwLock;

use super::{ChangeRecord, Event, NewLpa, Store, StoreError, UpdateFn};
use crate::model::Lpa;

#[derive(Debug, Default)]
struct Tables {
    lpas: HashMap<String, Lpa>,
    statics: HashMap<String, Lpa>,
    images: HashMap<String, Vec<u8>>,
    changes: HashMap<String, Vec<ChangeRecord>>,
    events: Vec<Event>,
}

impl Tables {
    fn publish(&mut self, mut event: Event) {
        event.sequence = self.events.len() as u64 + 1;
        self.events.push(event);
    }
}

/// Keeps everything in one lock-guarded set of maps. Every write takes the write lock, so an
/// update's check and its write are atomic with respect to every other request.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: RwLock<Tables>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn create(&self, new: NewLpa) -> Result<(), StoreError> {
        let mut tables = self.tables.write().await;
        let uid = new.lpa.uid.clone();
        if tables.lpas.contains_key(&uid) {
            return Err(StoreError::AlreadyExists(uid));
        }
        for image in new.images {
            tables.images.insert(image.path, image.bytes);
        }
        tables.statics.insert(uid.clone(), new.lpa.clone());
        tables.lpas.insert(uid, new.lpa);
        tables.publish(new.event);
        Ok(())
    }

    async fn get(&self, uid: &str) -> Result<Lpa, StoreError> {
        let tables = self.tables.read().await;
        tables
            .lpas
            .get(uid)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(uid.to_owned()))
    }

    async fn get_many(&self, uids: &[String]) -> Result<Vec<Lpa>, StoreError> {
        let tables = self.tables.read().await;
        let mut seen = std::collections::HashSet::new();
        Ok(uids
            .iter()
            .filter(|uid| seen.insert(uid.as_str()))
            .filter_map(|uid| tables.lpas.get(uid).cloned())
            .collect())
    }

    async fn get_static(&self, uid: &str) -> Result<Lpa, StoreError> {
        let tables = self.tables.read().await;
        tables
            .statics
            .get(uid)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(uid.to_owned()))
    }

    async fn update(&self, uid: &str, check: &mut UpdateFn<'_>) -> Result<Lpa, StoreError> {
        let mut tables = self.tables.write().await;
        let mut lpa = tables
            .lpas
            .get(uid)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(uid.to_owned()))?;
        let (record, event) = check(&mut lpa).map_err(StoreError::Rejected)?;
        tables.lpas.insert(uid.to_owned(), lpa.clone());
        tables
            .changes
            .entry(uid.to_owned())
            .or_default()
            .push(record);
        tables.publish(event);
        Ok(lpa)
    }

    async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>, StoreError> {
        let tables = self.tables.read().await;
        let mut records = tables.changes.get(uid).cloned().unwrap_or_default();
        records.reverse();
        Ok(records)
    }

    async fn has_change(&self, uid: &str, id: &str) -> Result<bool, StoreError> {
        let tables = self.tables.read().await;
        Ok(tables
            .changes
            .get(uid)
            .is_some_and(|records| records.iter().any(|record| record.id == id)))
    }

    async fn events(&self, after: u64) -> Result<Vec<Event>, StoreError> {
        let tables = self.tables.read().await;
        Ok(tables
            .events
            .iter()
            .filter(|e| e.sequence > after)
            .cloned()
            .collect())
    }

    async fn image(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        let tables = self.tables.read().await;
        tables
            .images
            .get(path)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(path.to_owned()))
    }

    async fn remove(&self, uid: &str) -> Result<bool, StoreError> {
        let mut tables = self.tables.write().await;
        let prefix = format!("{uid}/");
        tables.images.retain(|path, _| !path.starts_with(&prefix));
        tables.statics.remove(uid);
        tables.changes.remove(uid);
        Ok(tables.lpas.remove(uid).is_some())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
