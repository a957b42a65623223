//! `--demo`: a coordinator, a GP and a fresh enrolment code, written to `<data_dir>/demo.json`.

use std::path::Path;

use relais_protocol::api::{NewAccount, PractitionerProfile, Role};
use serde::{Deserialize, Serialize};

use crate::error::HubError;
use crate::fsutil::write_private;
use crate::running::RunningHub;

/// Password of both demo accounts.
pub const DEMO_PASSWORD: &str = "relais-demo-2026";
/// E-mail of the demo GP.
pub const DEMO_GP_EMAIL: &str = "dr.martin@relais.test";
/// E-mail of the demo coordinator.
pub const DEMO_COORDINATOR_EMAIL: &str = "coordination@relais.test";
/// RPPS of the demo GP (valid Luhn key).
pub const DEMO_GP_RPPS: &str = "10100345676";

/// Practitioner profile of the demo GP (printed on the prescriptions she signs).
pub fn demo_gp_profile() -> PractitionerProfile {
    PractitionerProfile {
        qualification: "Médecin généraliste".into(),
        address: "12 rue Noël Ballay, 28000 Chartres, France".into(),
        phone: "+33 2 37 12 34 56".into(),
        email: "dr.martin@relais.test".into(),
    }
}

/// One demo account's sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoAccount {
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// TOTP secret, base32.
    pub totp_secret: String,
}

/// Content of `demo.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoInfo {
    /// Hub URL.
    pub url: String,
    /// Certificate fingerprint.
    pub fingerprint: String,
    /// The GP.
    pub gp: DemoAccount,
    /// The coordinator.
    pub coordinator: DemoAccount,
    /// A fresh enrolment code.
    pub enrolment_code: String,
}

async fn ensure(
    hub: &RunningHub,
    email: &str,
    name: &str,
    rpps: Option<&str>,
    role: Role,
    profile: Option<PractitionerProfile>,
) -> Result<DemoAccount, HubError> {
    let admin = hub.admin();
    let secret = match admin.account_by_email(email).await? {
        Some(existing) => {
            // A demo GP made before profiles existed gets hers now.
            if let (None, Some(profile)) = (&existing.profile, &profile) {
                admin.set_profile(&existing.id, profile).await?;
            }
            existing.totp_secret
        }
        None => {
            admin
                .create_account(NewAccount {
                    email: email.into(),
                    name: name.into(),
                    rpps: rpps.map(str::to_string),
                    password: DEMO_PASSWORD.into(),
                    role,
                    profile,
                })
                .await?
                .totp_secret
        }
    };
    Ok(DemoAccount {
        email: email.into(),
        password: DEMO_PASSWORD.into(),
        totp_secret: secret,
    })
}

/// Creates the demo accounts if absent and a fresh enrolment code; writes `demo.json`.
pub async fn set_up(hub: &RunningHub, data_dir: &Path) -> Result<DemoInfo, HubError> {
    let coordinator = ensure(
        hub,
        DEMO_COORDINATOR_EMAIL,
        "Coordination Relais",
        None,
        Role::Coordinator,
        None,
    )
    .await?;
    let gp = ensure(
        hub,
        DEMO_GP_EMAIL,
        "Dr Claire Martin",
        Some(DEMO_GP_RPPS),
        Role::Gp,
        Some(demo_gp_profile()),
    )
    .await?;
    let code = hub
        .admin()
        .create_enrolment_code("Poste de démonstration")
        .await?;
    let info = DemoInfo {
        url: hub.url(),
        fingerprint: hub.fingerprint().to_string(),
        gp,
        coordinator,
        enrolment_code: code.code,
    };
    let json = serde_json::to_vec_pretty(&info).map_err(|_| HubError::Corrupt("demo.json"))?;
    write_private(&data_dir.join("demo.json"), &json)?;
    Ok(info)
}
