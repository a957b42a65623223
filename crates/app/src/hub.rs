//! The station's enrolment at its hub and the sending of requested consultations.
//!
//! The network calls are `async` and never hold the station's lock: each method checks the
//! session and reads what it needs, releases the lock, talks to the hub, then records the
//! outcome under the lock again.
use relais_core::lifecycle::ConsultationState;
use relais_core::triage::Outcome;
use relais_link::{HubClient, LinkError};
use relais_protocol::api::{ConsultationRequest, PatientSummary, RoomTicket};
use relais_store::{CallEventRow, HubLinkRow};

use crate::consultations::fresh_triage;
use crate::dto::{EnrolInput, HubStatus};
use crate::error::ApiError;
use crate::station::Station;

impl From<LinkError> for ApiError {
    fn from(e: LinkError) -> Self {
        ApiError::new(e.code(), e.message())
    }
}

/// A consultation sent to the hub: the hub's ids and this station's room ticket.
#[derive(Debug, Clone)]
pub struct SentConsultation {
    /// The station's consultation id.
    pub consultation_id: String,
    /// The client of the hub, authenticated as this station.
    pub client: HubClient,
    /// The station's ticket to the consultation's room.
    pub ticket: RoomTicket,
}

impl Station {
    /// Whether this station is enrolled, and where; the suggested address otherwise.
    pub fn hub_status(&self) -> Result<HubStatus, ApiError> {
        self.with_session(|ctx| {
            Ok(match ctx.store.hub_link()? {
                Some(link) => HubStatus {
                    enrolled: true,
                    url: Some(link.url),
                    fingerprint: link.fingerprint,
                    station_name: Some(link.station_name),
                    enrolled_at: Some(link.enrolled_at),
                },
                None => HubStatus {
                    enrolled: false,
                    url: self.config().hub_url.clone(),
                    fingerprint: self.config().hub_fingerprint.clone(),
                    station_name: None,
                    enrolled_at: None,
                },
            })
        })
    }

    /// Enrols the station with a one-time code given by the coordinator (managers only).
    pub async fn enrol(&self, input: EnrolInput) -> Result<HubStatus, ApiError> {
        self.with_session(|ctx| {
            if ctx.user.role == "manager" {
                Ok(())
            } else {
                Err(ApiError::new(
                    "FORBIDDEN",
                    "Seul un responsable du poste peut le relier au serveur Relais.",
                ))
            }
        })?;
        let fingerprint = match input.fingerprint.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(fp) => Some(relais_link::tls::normalise_fingerprint(fp)?),
        };
        let client = HubClient::new(&input.url, fingerprint.as_deref())?;
        let credential = client.enrol(&input.code).await?;
        self.with_session(|ctx| {
            let link = HubLinkRow {
                url: client.url().to_string(),
                fingerprint: fingerprint.clone(),
                station_id: credential.station_id.clone(),
                station_name: credential.station_name.clone(),
                token: credential.token.clone(),
                enrolled_at: ctx.now,
            };
            ctx.store.save_hub_link(&ctx.actor, ctx.now, &link)?;
            Ok(())
        })?;
        tracing::info!(station = %credential.station_id, "station enrolled at its hub");
        self.hub_status()
    }

    /// The client of the hub, authenticated as this station.
    pub fn hub_client(&self) -> Result<HubClient, ApiError> {
        self.with_session(|ctx| {
            let link = ctx.store.hub_link()?.ok_or_else(|| {
                ApiError::new(
                    "HUB_NOT_ENROLLED",
                    "Ce poste n’est pas encore relié au serveur Relais. Un responsable doit le relier (menu Réglages) avec le code donné par la coordination.",
                )
            })?;
            Ok(HubClient::new(&link.url, link.fingerprint.as_deref())?.with_token(link.token))
        })
    }

    /// Sends a requested consultation to the hub (again, after a failure: the hub treats the
    /// same consultation id as the same request). The triage is re-run here first: an
    /// excluded intake never leaves the station.
    pub async fn send_to_hub(&self, consultation_id: &str) -> Result<SentConsultation, ApiError> {
        let client = self.hub_client()?;
        let request = self.with_session(|ctx| {
            let row = ctx.store.get_consultation(consultation_id)?;
            let state = crate::consultations::parse_state(&row.state)?;
            if !matches!(
                state,
                ConsultationState::Requested | ConsultationState::InCall
            ) {
                return Err(ApiError::new(
                    "NOT_REQUESTED",
                    "Cette consultation n’est pas en attente d’un médecin.",
                ));
            }
            let (patient, intake, assessment) = fresh_triage(ctx, &row)?;
            if assessment.outcome != Outcome::Accepted {
                return Err(ApiError::new(
                    "TRIAGE_NOT_ACCEPTED",
                    "Le tri de cette consultation ne permet pas de la transmettre au médecin.",
                ));
            }
            Ok(ConsultationRequest {
                local_id: consultation_id.to_string(),
                patient: PatientSummary {
                    family_name: patient.family_name,
                    given_names: patient.given_names,
                    sex: patient.sex,
                    birth_date: patient.birth_date,
                    treating_doctor: patient.treating_doctor,
                },
                intake,
            })
        })?;
        let ticket = client.request_consultation(&request).await?;
        self.with_session(|ctx| {
            ctx.store.set_hub_consultation(
                &ctx.actor,
                ctx.now,
                consultation_id,
                &ticket.consultation_id,
            )?;
            Ok(())
        })?;
        Ok(SentConsultation {
            consultation_id: consultation_id.to_string(),
            client,
            ticket,
        })
    }

    /// The hub's id of a consultation sent to it.
    pub fn hub_consultation(&self, consultation_id: &str) -> Result<Option<String>, ApiError> {
        self.with_session(|ctx| Ok(ctx.store.hub_consultation_id(consultation_id)?))
    }

    /// The technical journal of a consultation's calls, oldest first.
    pub fn call_journal(&self, consultation_id: &str) -> Result<Vec<CallEventRow>, ApiError> {
        self.with_session(|ctx| Ok(ctx.store.call_events(consultation_id)?))
    }

    /// Records an entry of a call's technical journal. Works while the session is locked:
    /// the call goes on and its incidents must not be lost.
    pub fn record_call_event(&self, consultation_id: &str, kind: &str, detail: &str) {
        let result = self.with_store(|store, now| {
            store.record_call_event(
                &relais_store::Actor::system(),
                now,
                consultation_id,
                kind,
                detail,
            )
        });
        if let Err(e) = result {
            tracing::error!(code = %e.code, kind, "call event not recorded");
        }
    }
}
