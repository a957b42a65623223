//! Accounts: sign-in with password and TOTP, replay, rate limit, sessions, roles.

mod common;

use common::*;
use relais_protocol::api::{Account, CreatedAccount, Role};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_password_and_totp_then_me_then_logout() {
    let th = hub().await;
    let gp = th.account("Dr.Martin@relais.test", Role::Gp).await;
    let client = th.client();
    let res = th
        .login(&client, "dr.martin@relais.test", &gp.totp_secret)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie")
        .to_string();
    for attr in [
        "relais_session=",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let me: Account = client
        .get(th.url("/api/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("account");
    assert_eq!(me.email, "dr.martin@relais.test");
    assert_eq!(me.role, Role::Gp);
    let res = client
        .post(th.url("/api/logout"))
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = client.get(th.url("/api/me")).send().await.expect("me");
    assert_eq!(error_code(res).await, (401, "NOT_SIGNED_IN".into()));
    let actions: Vec<String> = th
        .hub
        .admin()
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"account.create".to_string()));
    assert!(actions.contains(&"account.login".to_string()));
    assert!(th.hub.admin().verify_audit().await.expect("verify"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_unknown_email_wrong_and_replayed_totp() {
    let th = hub().await;
    let gp = th.account("gp@relais.test", Role::Gp).await;
    let client = th.client();
    let login = |email: &str, password: &str, totp: String| {
        client
            .post(th.url("/api/login"))
            .json(&json!({"email": email, "password": password, "totp": totp}))
            .send()
    };
    th.advance(30);
    let res = login(
        "gp@relais.test",
        "pas le bon mot de passe",
        th.totp(&gp.totp_secret),
    )
    .await
    .expect("send");
    assert_eq!(error_code(res).await, (401, "BAD_CREDENTIALS".into()));
    let res = login("personne@relais.test", PASSWORD, th.totp(&gp.totp_secret))
        .await
        .expect("send");
    assert_eq!(error_code(res).await, (401, "BAD_CREDENTIALS".into()));
    let res = login("gp@relais.test", PASSWORD, "000000".into())
        .await
        .expect("send");
    let (status, code) = error_code(res).await;
    // One chance in a million that 000000 is the right code.
    assert!(
        status == 401 && code == "BAD_TOTP" || status == 200,
        "{code}"
    );
    th.advance(30);
    let code = th.totp(&gp.totp_secret);
    let res = login("gp@relais.test", PASSWORD, code.clone())
        .await
        .expect("send");
    assert_eq!(res.status(), StatusCode::OK);
    let res = login("gp@relais.test", PASSWORD, code).await.expect("send");
    assert_eq!(error_code(res).await, (401, "TOTP_REPLAYED".into()));
    // The code of the previous step (still inside the window) is refused too.
    let previous =
        relais_hub::totp::code_at(&gp.totp_secret, th.now() - chrono::Duration::seconds(30))
            .expect("code");
    let res = login("gp@relais.test", PASSWORD, previous)
        .await
        .expect("send");
    assert_eq!(error_code(res).await, (401, "TOTP_REPLAYED".into()));
    let failures = th
        .hub
        .admin()
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "account.login_failed")
        .count();
    assert_eq!(failures, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_then_rate_limited_until_the_window_passes() {
    let th = hub().await;
    let gp = th.account("gp@relais.test", Role::Gp).await;
    let client = th.client();
    for _ in 0..5 {
        let res = client
            .post(th.url("/api/login"))
            .json(&json!({"email": "gp@relais.test", "password": "mauvais-mot-de-passe", "totp": "123456"}))
            .send()
            .await
            .expect("send");
        assert_eq!(error_code(res).await.1, "BAD_CREDENTIALS");
    }
    // Even the right password and code are refused now.
    let res = th.login(&client, "gp@relais.test", &gp.totp_secret).await;
    assert_eq!(error_code(res).await, (429, "RATE_LIMITED".into()));
    th.advance(15 * 60);
    let res = th.login(&client, "gp@relais.test", &gp.totp_secret).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_when_idle_and_after_their_lifetime() {
    let th = hub_with(|c| {
        c.session_idle_secs = 120;
        c.session_lifetime_secs = 600;
    })
    .await;
    let (client, _, _) = th.gp("gp@relais.test").await;
    th.advance(119);
    assert_eq!(
        client
            .get(th.url("/api/me"))
            .send()
            .await
            .expect("me")
            .status(),
        StatusCode::OK
    );
    th.advance(120);
    let res = client.get(th.url("/api/me")).send().await.expect("me");
    assert_eq!(error_code(res).await, (401, "SESSION_EXPIRED".into()));

    let (client, _, _) = th.gp("gp2@relais.test").await;
    // Used every 100 s: never idle, but the lifetime (600 s) ends it.
    for _ in 0..5 {
        th.advance(100);
        assert_eq!(
            client
                .get(th.url("/api/me"))
                .send()
                .await
                .expect("me")
                .status(),
            StatusCode::OK
        );
    }
    th.advance(100);
    let res = client.get(th.url("/api/me")).send().await.expect("me");
    assert_eq!(error_code(res).await, (401, "SESSION_EXPIRED".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_creates_accounts_and_a_gp_is_forbidden() {
    let th = hub().await;
    let coord = th.coordinator("coord@relais.test").await;
    let res = coord
        .post(th.url("/api/admin/accounts"))
        .json(
            &json!({"email": "new@relais.test", "name": "Dr Nouveau", "rpps": "10001234565",
                      "password": "un-mot-de-passe-long", "role": "gp"}),
        )
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), StatusCode::OK);
    let created: CreatedAccount = res.json().await.expect("created");
    assert!(created.otpauth_uri.starts_with("otpauth://totp/"));
    assert_eq!(created.totp_secret.len(), 32);
    let again = coord
        .post(th.url("/api/admin/accounts"))
        .json(
            &json!({"email": "NEW@relais.test", "name": "X", "rpps": "10001234565",
                      "password": "un-mot-de-passe-long", "role": "gp"}),
        )
        .send()
        .await
        .expect("again");
    assert_eq!(error_code(again).await, (409, "EMAIL_TAKEN".into()));
    for (body, code) in [
        (
            json!({"email": "a@r.t", "name": "A", "rpps": "10001234565", "password": "court", "role": "gp"}),
            "WEAK_PASSWORD",
        ),
        (
            json!({"email": "b@r.t", "name": "B", "rpps": "10001234566", "password": "un-mot-de-passe-long", "role": "gp"}),
            "BAD_RPPS",
        ),
    ] {
        let res = coord
            .post(th.url("/api/admin/accounts"))
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(error_code(res).await, (422, code.into()));
    }
    let unknown_field = coord
        .post(th.url("/api/admin/enrolment-codes"))
        .json(&json!({"stationName": "Pharmacie", "admin": true}))
        .send()
        .await
        .expect("send");
    assert_eq!(error_code(unknown_field).await, (400, "BAD_REQUEST".into()));

    let (gp, _, _) = th.gp("gp@relais.test").await;
    for res in [
        gp.post(th.url("/api/admin/accounts"))
            .json(&json!({"email": "x@r.t", "name": "X", "password": "un-mot-de-passe-long", "role": "coordinator"}))
            .send()
            .await,
        gp.post(th.url("/api/admin/enrolment-codes"))
            .json(&json!({"stationName": "P"}))
            .send()
            .await,
        gp.get(th.url("/api/admin/stations")).send().await,
        gp.post(th.url("/api/admin/stations/x/revoke")).send().await,
    ] {
        assert_eq!(error_code(res.expect("send")).await, (403, "FORBIDDEN".into()));
    }
    // And a coordinator is not a GP.
    let res = coord
        .get(th.url("/api/consultations/waiting"))
        .send()
        .await
        .expect("send");
    assert_eq!(error_code(res).await, (403, "FORBIDDEN".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_64_kib_are_refused() {
    let th = hub().await;
    let res = th
        .client()
        .post(th.url("/api/login"))
        .header("content-type", "application/json")
        .body(format!("{{\"email\":\"{}\"}}", "a".repeat(70 * 1024)))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 413);
}
