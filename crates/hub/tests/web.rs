//! The web side: security headers, the console's files, the demo set-up.

mod common;

use common::*;
use relais_hub::demo::{set_up, DemoInfo, DEMO_GP_EMAIL};
use reqwest::StatusCode;
use serde_json::json;

fn assert_security_headers(res: &reqwest::Response) {
    let h = res.headers();
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("csp");
    for part in [
        "default-src 'self'",
        "connect-src 'self' wss:",
        "media-src 'self' blob: mediastream:",
        "img-src 'self' data: blob:",
        "style-src 'self' 'unsafe-inline'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(h.get("strict-transport-security").is_some());
    assert_eq!(h.get("x-content-type-options").expect("nosniff"), "nosniff");
    assert_eq!(h.get("referrer-policy").expect("referrer"), "no-referrer");
    assert_eq!(h.get("x-frame-options").expect("frame"), "DENY");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_is_served_with_security_headers_on_every_response() {
    let console = tempfile::tempdir().expect("tmp");
    std::fs::write(
        console.path().join("console.html"),
        "<!doctype html><title>Console Relais</title>",
    )
    .expect("page");
    std::fs::create_dir(console.path().join("assets")).expect("assets");
    std::fs::write(console.path().join("assets/app.js"), "console.log(1)").expect("js");
    let dir = console.path().to_path_buf();
    let th = hub_with(move |c| c.console_dir = Some(dir)).await;
    let client = th.client();
    let res = client.get(th.url("/")).send().await.expect("index");
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res);
    assert!(res.text().await.expect("text").contains("Console Relais"));
    let res = client
        .get(th.url("/assets/app.js"))
        .send()
        .await
        .expect("js");
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res);
    let res = client
        .get(th.url("/api/nowhere"))
        .send()
        .await
        .expect("404");
    assert_security_headers(&res);
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
    let res = client
        .post(th.url("/api/login"))
        .json(&json!({"email": "x@y.z", "password": "p", "totp": "1", "extra": 1}))
        .send()
        .await
        .expect("login");
    assert_security_headers(&res);
    assert_eq!(error_code(res).await, (400, "BAD_REQUEST".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_console_gives_a_french_page() {
    let empty = tempfile::tempdir().expect("tmp");
    let dir = empty.path().to_path_buf();
    let th = hub_with(move |c| c.console_dir = Some(dir)).await;
    let res = th.client().get(th.url("/")).send().await.expect("index");
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_security_headers(&res);
    assert!(res
        .text()
        .await
        .expect("text")
        .contains("La console médecin n'a pas été construite"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_writes_its_accounts_and_a_usable_enrolment_code() {
    let th = hub().await;
    let info = set_up(&th.hub, th.dir.path()).await.expect("demo");
    let written: DemoInfo =
        serde_json::from_slice(&std::fs::read(th.dir.path().join("demo.json")).expect("demo.json"))
            .expect("json");
    assert_eq!(written, info);
    assert_eq!(info.fingerprint, th.hub.fingerprint());
    assert_eq!(info.gp.email, DEMO_GP_EMAIL);
    // A second start keeps the accounts and their secrets, with a new code.
    let again = set_up(&th.hub, th.dir.path()).await.expect("again");
    assert_eq!(again.gp.totp_secret, info.gp.totp_secret);
    assert_ne!(again.enrolment_code, info.enrolment_code);
    let client = th.client();
    th.advance(30);
    let res = client
        .post(th.url("/api/login"))
        .json(
            &json!({"email": info.gp.email, "password": info.gp.password,
                      "totp": th.totp(&info.gp.totp_secret)}),
        )
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK);
    let res = client
        .post(th.url("/api/stations/enrol"))
        .json(&json!({"code": info.enrolment_code}))
        .send()
        .await
        .expect("enrol");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_hub_keeps_its_certificate_and_its_data() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = relais_hub::Config::for_tests(dir.path());
    let hub = relais_hub::start(config.clone()).await.expect("start");
    let fp = hub.fingerprint().to_string();
    hub.admin()
        .create_enrolment_code("Poste")
        .await
        .expect("code");
    hub.shutdown().await;
    let hub = relais_hub::start(config).await.expect("restart");
    assert_eq!(hub.fingerprint(), fp);
    assert!(hub.admin().verify_audit().await.expect("verify"));
    assert_eq!(hub.admin().audit().await.expect("audit").len(), 1);
    hub.shutdown().await;
}
