//! The station service: storage, session, and the commands of `docs/COMMANDS.md`.
use std::sync::{Mutex, MutexGuard};

use chrono::Duration;
use relais_core::error::FieldError;
use relais_store::{
    Actor, AuditEvent, DbKey, KeyStoreKind, NewSite, NewUser, Store, StoreError, UserRow,
};

use crate::clock::Clock;
use crate::config::{Config, KeyStoreChoice};
use crate::dto::{
    AuditEntry, AuditTrail, SetupInput, SignInInput, Site, Status, StorageState, User,
};
use crate::error::ApiError;
use crate::session::{Activity, Session};

/// Keyring service name under which the database key is kept.
pub const KEYRING_SERVICE: &str = "fr.relais.station";
/// Keyring account of the database key.
pub const KEYRING_ACCOUNT: &str = "database-key";
/// Minimum password length for professional accounts.
pub const MIN_PASSWORD_LEN: usize = 10;

/// The station's application service. One per process; thread-safe.
pub struct Station {
    config: Config,
    clock: Box<dyn Clock>,
    state: Mutex<State>,
    /// The OS spooler prints go to (see `documents.rs`).
    pub(crate) print_system: std::sync::RwLock<std::sync::Arc<dyn crate::printing::PrintSystem>>,
}

struct State {
    store: Option<Store>,
    storage_message: Option<String>,
    session: Option<Session>,
}

/// What a command sees once the session check passed.
pub(crate) struct Ctx<'a> {
    pub(crate) store: &'a Store,
    pub(crate) user: &'a UserRow,
    pub(crate) actor: Actor,
    pub(crate) now: chrono::DateTime<chrono::Utc>,
    pub(crate) today: chrono::NaiveDate,
}

impl Station {
    /// Opens the station: finds the database key and opens the encrypted record.
    /// Without a keyring the station starts with storage closed and asks for a passphrase.
    pub fn start(config: Config, clock: Box<dyn Clock>) -> Self {
        let (store, storage_message) = match open_with_keyring(&config) {
            Ok(store) => (Some(store), None),
            Err(e) => {
                tracing::warn!(code = e.code, "encrypted record not opened at start");
                (None, Some(e.message))
            }
        };
        Self {
            config,
            clock,
            state: Mutex::new(State {
                store,
                storage_message,
                session: None,
            }),
            print_system: std::sync::RwLock::new(crate::printing::os_print_system()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written (each
        // command writes through one store transaction), so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open store, whatever the session (system actions such as the
    /// journal of a call that goes on while the screen is locked).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store, chrono::DateTime<chrono::Utc>) -> Result<T, StoreError>,
    ) -> Result<T, ApiError> {
        let st = self.state();
        let store = st.store.as_ref().ok_or_else(storage_closed)?;
        Ok(f(store, self.clock.now())?)
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the UI needs to pick its screen.
    pub fn status(&self) -> Result<Status, ApiError> {
        let st = self.state();
        self.status_of(&st)
    }

    fn status_of(&self, st: &State) -> Result<Status, ApiError> {
        let (site, initialized) = match &st.store {
            Some(store) => {
                let site = store.site()?.map(site_dto).transpose()?;
                let initialized = site.is_some() && store.user_count()? > 0;
                (site, initialized)
            }
            None => (None, false),
        };
        Ok(Status {
            storage: if st.store.is_some() {
                StorageState::Ready
            } else {
                StorageState::NeedsPassphrase
            },
            storage_message: st.storage_message.clone(),
            initialized,
            site,
            user: st.session.as_ref().map(|s| user_dto(&s.user)),
            locked: st.session.as_ref().is_some_and(Session::is_locked),
            lock_after_seconds: self.config.lock_after_seconds,
            hub_url: self.config.hub_url.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    /// Opens the record with the passphrase fallback (no OS keyring on this machine).
    pub fn unlock_storage(&self, passphrase: &str) -> Result<Status, ApiError> {
        let mut st = self.state();
        if st.store.is_none() {
            let key = relais_store::key_from_passphrase(passphrase, &self.config.salt_path())?;
            let store = open_store(&self.config, &key)?;
            store.append_audit(
                &system_actor(),
                self.clock.now(),
                &AuditEvent {
                    action: "storage.unlock",
                    record_type: "station",
                    record_id: None,
                    detail: "passphrase",
                },
            )?;
            st.store = Some(store);
            st.storage_message = None;
        }
        self.status_of(&st)
    }

    /// First start: creates the site and its manager's account, and signs them in.
    pub fn setup_site(&self, input: SetupInput) -> Result<Status, ApiError> {
        let mut st = self.state();
        let store = st.store.as_ref().ok_or_else(storage_closed)?;
        let existing_site = store.site()?;
        if existing_site.is_some() && store.user_count()? > 0 {
            return Err(ApiError::new(
                "ALREADY_INITIALIZED",
                "Ce poste est déjà configuré.",
            ));
        }
        let mut fields = Vec::new();
        let site = &input.site;
        let user = &input.user;
        for (field, value, label) in [
            ("site.name", &site.name, "le nom du lieu"),
            ("site.commune", &site.commune, "la commune"),
            ("user.username", &user.username, "l'identifiant"),
            ("user.displayName", &user.display_name, "le nom affiché"),
            ("user.profession", &user.profession, "la profession"),
        ] {
            if value.trim().is_empty() {
                fields.push(required(field, label));
            }
        }
        if user.password.chars().count() < MIN_PASSWORD_LEN {
            fields.push(FieldError {
                field: "user.password".into(),
                code: "PASSWORD_TOO_SHORT".into(),
                message: format!(
                    "Le mot de passe doit comporter au moins {MIN_PASSWORD_LEN} caractères."
                ),
            });
        }
        let rpps = match user
            .rpps
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(r) => match relais_core::identity::Rpps::parse(r) {
                Ok(r) => Some(r.as_str().to_string()),
                Err(e) => {
                    fields.push(FieldError {
                        field: "user.rpps".into(),
                        code: e.code().into(),
                        message: e.to_string(),
                    });
                    None
                }
            },
            None => None,
        };
        if !fields.is_empty() {
            return Err(ApiError::invalid_form(
                "INVALID_SETUP",
                "Certains champs sont à corriger.",
                fields,
            ));
        }
        let now = self.clock.now();
        let kind = serde_json::to_value(site.kind)?
            .as_str()
            .unwrap_or("autre")
            .to_string();
        // A first start interrupted after the site was saved (crash, full disk) resumes here:
        // the site stays, the account is created.
        if existing_site.is_none() {
            store.create_site(
                &system_actor(),
                now,
                &NewSite {
                    kind,
                    name: site.name.trim().to_string(),
                    commune: site.commune.trim().to_string(),
                    address: site.address.as_deref().map(str::trim).map(str::to_string),
                },
            )?;
        }
        let row = store.create_user(
            &system_actor(),
            now,
            &NewUser {
                username: user.username.trim().to_string(),
                display_name: user.display_name.trim().to_string(),
                profession: user.profession.trim().to_string(),
                rpps,
                role: "manager".to_string(),
            },
            &user.password,
        )?;
        store.record_sign_in(&actor_of(&row), now, &row.username, true)?;
        st.session = Some(Session::new(row, now));
        self.status_of(&st)
    }

    /// Signs a professional in, or unlocks their locked session.
    pub fn sign_in(&self, input: SignInInput) -> Result<Status, ApiError> {
        let mut st = self.state();
        let store = st.store.as_ref().ok_or_else(storage_closed)?;
        let now = self.clock.now();
        let username = input.username.trim();
        let Some(user) = store.verify_password(username, &input.password)? else {
            store.record_sign_in(&system_actor(), now, username, false)?;
            return Err(ApiError::new(
                "BAD_CREDENTIALS",
                "Identifiant ou mot de passe incorrect.",
            ));
        };
        store.record_sign_in(&actor_of(&user), now, &user.username, true)?;
        match st.session.as_mut() {
            Some(s) if s.user.id == user.id => s.unlock(now),
            _ => st.session = Some(Session::new(user, now)),
        }
        self.status_of(&st)
    }

    /// Signs out.
    pub fn sign_out(&self) -> Result<Status, ApiError> {
        let mut st = self.state();
        if let (Some(store), Some(session)) = (st.store.as_ref(), st.session.as_ref()) {
            store.append_audit(
                &actor_of(&session.user),
                self.clock.now(),
                &session_event("session.sign_out"),
            )?;
        }
        st.session = None;
        self.status_of(&st)
    }

    /// Locks the session now (the UI calls it after the inactivity delay).
    pub fn lock(&self) -> Result<Status, ApiError> {
        let mut st = self.state();
        let now = self.clock.now();
        let State { store, session, .. } = &mut *st;
        if let (Some(store), Some(session)) = (store.as_ref(), session.as_mut()) {
            if !session.is_locked() {
                session.lock();
                store.append_audit(
                    &actor_of(&session.user),
                    now,
                    &session_event("session.lock"),
                )?;
            }
        }
        self.status_of(&st)
    }

    /// Registers user activity (keeps the session unlocked).
    pub fn touch(&self) -> Result<Status, ApiError> {
        self.with_session(|_| Ok(()))?;
        self.status()
    }

    /// Runs `f` for the signed-in, unlocked user; locks first if the inactivity delay passed.
    pub(crate) fn with_session<T>(
        &self,
        f: impl FnOnce(&Ctx<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut st = self.state();
        let now = self.clock.now();
        let lock_after = Duration::seconds(
            i64::try_from(self.config.lock_after_seconds).unwrap_or(i64::MAX / 1000),
        );
        let State { store, session, .. } = &mut *st;
        let store = store.as_ref().ok_or_else(storage_closed)?;
        let session = session.as_mut().ok_or_else(ApiError::not_signed_in)?;
        match session.touch(now, lock_after) {
            Activity::Active => {}
            Activity::JustLocked => {
                store.append_audit(
                    &actor_of(&session.user),
                    now,
                    &session_event("session.lock"),
                )?;
                return Err(ApiError::locked());
            }
            Activity::Locked => return Err(ApiError::locked()),
        }
        let ctx = Ctx {
            store,
            user: &session.user,
            actor: actor_of(&session.user),
            now,
            today: self.clock.today_at(now),
        };
        f(&ctx)
    }

    /// The audit trail with its verification (site manager only).
    pub fn audit_trail(&self, limit: u32) -> Result<AuditTrail, ApiError> {
        self.with_session(|ctx| {
            if ctx.user.role != "manager" {
                return Err(ApiError::new(
                    "FORBIDDEN",
                    "Seul le responsable du site peut consulter le journal d'audit.",
                ));
            }
            ctx.store.append_audit(
                &ctx.actor,
                ctx.now,
                &AuditEvent {
                    action: "audit.read",
                    record_type: "audit",
                    record_id: None,
                    detail: "",
                },
            )?;
            let verification = ctx.store.verify_audit()?;
            // The newest `limit` entries, newest first.
            let limit = limit.min(1000);
            let head = ctx.store.audit_head()?.map_or(0, |(seq, _)| seq);
            let after = (head - i64::from(limit)).max(0);
            let entries = ctx
                .store
                .audit_entries(Some(after), limit)?
                .into_iter()
                .rev()
                .map(|e| AuditEntry {
                    seq: e.seq,
                    at: e.at,
                    actor: e.actor_label,
                    action: e.action,
                    record_type: e.record_type,
                    record_id: e.record_id,
                    detail: e.detail,
                })
                .collect();
            Ok(AuditTrail {
                entries,
                ok: verification.ok,
                checked: verification.checked,
                first_broken: verification.first_broken,
            })
        })
    }

    /// Saves a form draft (encrypted, per user).
    pub fn save_draft(&self, kind: &str, data: &serde_json::Value) -> Result<(), ApiError> {
        self.with_session(|ctx| Ok(ctx.store.save_draft(&ctx.user.id, kind, data, ctx.now)?))
    }

    /// Loads a form draft.
    pub fn load_draft(&self, kind: &str) -> Result<Option<serde_json::Value>, ApiError> {
        self.with_session(|ctx| Ok(ctx.store.load_draft(&ctx.user.id, kind)?))
    }

    /// Deletes a form draft.
    pub fn clear_draft(&self, kind: &str) -> Result<(), ApiError> {
        self.with_session(|ctx| Ok(ctx.store.delete_draft(&ctx.user.id, kind)?))
    }
}

fn open_with_keyring(config: &Config) -> Result<Store, ApiError> {
    let kind = match config.key_store {
        KeyStoreChoice::Passphrase => return Err(passphrase_required()),
        // A record created with a passphrase keeps its passphrase.
        _ if config.salt_path().exists() => return Err(passphrase_required()),
        KeyStoreChoice::Platform => KeyStoreKind::Platform,
        KeyStoreChoice::Keyutils => KeyStoreKind::KernelKeyutils,
    };
    // An existing record never gets a new key: a missing key is an error, not a fresh start.
    let key = relais_store::use_key_store(kind)
        .and_then(|()| {
            if config.database_path().exists() {
                relais_store::existing_key_from_keyring(KEYRING_SERVICE, KEYRING_ACCOUNT)
            } else {
                relais_store::key_from_keyring(KEYRING_SERVICE, KEYRING_ACCOUNT)
            }
        })
        .inspect_err(|e| {
            if let StoreError::KeyringUnavailable { reason } = e {
                tracing::warn!(%reason, "no usable keyring");
            }
        })?;
    open_store(config, &key)
}

fn open_store(config: &Config, key: &DbKey) -> Result<Store, ApiError> {
    Ok(Store::open(&config.database_path(), key)?)
}

fn passphrase_required() -> ApiError {
    ApiError::new(
        "PASSPHRASE_REQUIRED",
        "Ce poste n'utilise pas de trousseau de clés : saisissez la phrase secrète qui protège le dossier local.",
    )
}

fn storage_closed() -> ApiError {
    ApiError::new(
        "STORAGE_LOCKED",
        "Le dossier local est fermé : saisissez d'abord la phrase secrète.",
    )
}

fn required(field: &str, label: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: "REQUIRED".into(),
        message: format!("Veuillez renseigner {label}."),
    }
}

fn session_event(action: &'static str) -> AuditEvent<'static> {
    AuditEvent {
        action,
        record_type: "session",
        record_id: None,
        detail: "",
    }
}

pub(crate) fn system_actor() -> Actor {
    Actor {
        user_id: None,
        label: "système".into(),
    }
}

pub(crate) fn actor_of(user: &UserRow) -> Actor {
    Actor {
        user_id: Some(user.id.clone()),
        label: user.username.clone(),
    }
}

fn user_dto(u: &UserRow) -> User {
    User {
        id: u.id.clone(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        profession: u.profession.clone(),
        rpps: u.rpps.clone(),
        role: u.role.clone(),
    }
}

fn site_dto(s: relais_store::SiteRow) -> Result<Site, ApiError> {
    Ok(Site {
        id: s.id,
        kind: serde_json::from_value(serde_json::Value::String(s.kind))?,
        name: s.name,
        commune: s.commune,
        address: s.address,
    })
}
