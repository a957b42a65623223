//! Relais store: the station's encrypted local record.
//!
//! One SQLCipher database file holds the site, the users, the patients, the consultations
//! (with their attachments: camera stills, stethoscope clips),
//! the form drafts and the audit trail. Nothing of it is ever on disk in clear: the whole
//! file (and its WAL) is encrypted with a 256-bit key that lives in the OS credential store
//! ([`key_from_keyring`]) or is derived from a passphrase ([`key_from_passphrase`]).
//!
//! ```no_run
//! use relais_store::{key_from_keyring, Actor, Store};
//! # fn main() -> Result<(), relais_store::StoreError> {
//! let key = key_from_keyring("relais-station", "database")?;
//! let store = Store::open(std::path::Path::new("/var/lib/relais/station.db"), &key)?;
//! let n = store.user_count()?;
//! # let _ = (n, Actor::system());
//! # Ok(())
//! # }
//! ```
//!
//! Design notes:
//! - Sync API, one connection: [`Store`] is `Send`; the app keeps it in a `Mutex`.
//! - The caller gives the time (`at`) of every change; the store never reads the clock.
//! - Every change writes its audit entry in the same transaction ([`audit`]); reads of
//!   patient records are audited too. Audit details hold ids and codes, never health data.
//! - The store knows nothing of the clinical domain: payloads are the caller's JSON, and the
//!   indexed columns (folded search key, NIR) are computed by the caller.
//! - Errors carry a stable [`StoreError::code`] and a French message without health data.
//! - A panic is a bug: no `unwrap` on data, no `unsafe`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod attachments;
pub mod audit;
pub mod consultations;
pub mod db;
pub mod documents;
pub mod drafts;
pub mod error;
pub mod hub;
pub mod key;
pub mod patients;
pub mod readings;
mod rows;
pub mod settings;
pub mod site;
pub mod users;

pub use attachments::{AttachmentRow, NewAttachment, ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES};
pub use audit::{Actor, AuditEntry, AuditEvent, AuditVerification, GENESIS_HASH};
pub use consultations::ConsultationRow;
pub use db::{Store, SCHEMA_VERSION};
pub use documents::{DocumentRow, PrintJobRow, PrintUpdate};
pub use error::{Result, StoreError};
pub use hub::{CallEventRow, HubLinkRow};
pub use key::{
    existing_key_from_keyring, key_from_keyring, key_from_passphrase, use_key_store, DbKey,
    KeyStoreKind, MIN_PASSPHRASE_CHARS,
};
pub use patients::{PatientQuery, PatientRow, MAX_SEARCH_LIMIT};
pub use readings::{ReadingRow, MANUAL_SOURCE};
pub use site::{NewSite, SiteRow};
pub use users::{NewUser, UserRow, ROLES};
