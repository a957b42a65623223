//! Stable `urn:uuid:` identities of the resources of one export.
use sha2::{Digest, Sha256};
use uuid::{Builder, Uuid};

/// Derives the UUIDs of one consultation's resources: the same consultation and role always
/// give the same UUID, so a second export of a consultation replaces the first one
/// resource for resource instead of duplicating it at the receiver.
#[derive(Debug, Clone)]
pub struct Ids {
    seed: String,
}

impl Ids {
    /// The UUIDs of the consultation with this station id.
    pub fn new(consultation_id: &str) -> Self {
        Self {
            seed: format!("relais:consultation:{consultation_id}"),
        }
    }

    /// The UUID of the resource playing `role` (e.g. `patient`, `reading:<id>`).
    pub fn uuid(&self, role: &str) -> Uuid {
        let digest = Sha256::new()
            .chain_update(self.seed.as_bytes())
            .chain_update(b"/")
            .chain_update(role.as_bytes())
            .finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        // Version and variant bits of a v4 UUID, as any receiver expects of a UUID.
        Builder::from_random_bytes(bytes).into_uuid()
    }

    /// The resource reference (`urn:uuid:…`) of `role`, also the entry's fullUrl.
    pub fn urn(&self, role: &str) -> String {
        format!("urn:uuid:{}", self.uuid(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_distinct_and_well_formed() {
        let a = Ids::new("c1");
        assert_eq!(a.uuid("patient"), Ids::new("c1").uuid("patient"));
        assert_ne!(a.uuid("patient"), a.uuid("encounter"));
        assert_ne!(a.uuid("patient"), Ids::new("c2").uuid("patient"));
        assert_eq!(a.uuid("patient").get_version_num(), 4);
        assert!(a.urn("x").starts_with("urn:uuid:"));
        assert_eq!(a.urn("x").len(), "urn:uuid:".len() + 36);
    }
}
