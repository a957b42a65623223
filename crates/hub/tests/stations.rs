//! Stations: enrolment, revocation, consultation requests with the hub's triage, the
//! waiting list, acceptance.

mod common;

use common::*;
use relais_protocol::api::{
    ConsultationEvent, ConsultationStatus, HubConsultationStatus, RoomTicket, StationInfo,
    WaitingConsultation,
};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_code_is_one_time_and_expires_after_24_hours() {
    let th = hub().await;
    let coord = th.coordinator("coord@relais.test").await;
    let code: relais_protocol::api::EnrolmentCode = coord
        .post(th.url("/api/admin/enrolment-codes"))
        .json(&json!({"stationName": "Pharmacie du Marché"}))
        .send()
        .await
        .expect("code")
        .json()
        .await
        .expect("json");
    let enrol = |code: String| {
        th.client()
            .post(th.url("/api/stations/enrol"))
            .json(&json!({"code": code}))
            .send()
    };
    // Typed in lower case with spaces: the same code.
    let res = enrol(code.code.to_lowercase().replace('-', " "))
        .await
        .expect("enrol");
    assert_eq!(res.status(), StatusCode::OK);
    let cred: relais_protocol::api::StationCredential = res.json().await.expect("cred");
    assert_eq!(cred.station_name, "Pharmacie du Marché");
    let res = enrol(code.code.clone()).await.expect("again");
    assert_eq!(error_code(res).await, (401, "BAD_ENROLMENT_CODE".into()));

    let stations: Vec<StationInfo> = coord
        .get(th.url("/api/admin/stations"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(stations.len(), 1);
    assert_eq!(stations[0].id, cred.station_id);

    let late = th
        .hub
        .admin()
        .create_enrolment_code("Cabinet")
        .await
        .expect("code");
    th.advance(24 * 3600 + 1);
    let res = enrol(late.code).await.expect("late");
    assert_eq!(error_code(res).await, (401, "BAD_ENROLMENT_CODE".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_station_is_refused_at_once_and_its_socket_closed() {
    let th = hub().await;
    let coord = th.coordinator("coord@relais.test").await;
    let station = th.station("Poste").await;
    let ticket = th.consultation(&station, "local-1").await;
    let mut ws = th.connect(&ticket.join_token, None).await.expect("ws");
    assert!(matches!(
        recv(&mut ws).await,
        relais_protocol::signal::Signal::Welcome { .. }
    ));
    let res = coord
        .post(th.url(&format!(
            "/api/admin/stations/{}/revoke",
            station.station_id
        )))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (code, seen) = closed(&mut ws).await;
    assert_eq!(code, Some(1008));
    assert!(seen.iter().any(|s| matches!(s, relais_protocol::signal::Signal::Error { code, .. } if code == "STATION_REVOKED")));
    let res = th
        .request(&station, &request_body("local-2", &ok_intake(&th)))
        .await;
    assert_eq!(error_code(res).await, (403, "STATION_REVOKED".into()));
    let res = th
        .client()
        .post(th.url("/api/station/consultations"))
        .bearer_auth("pas-un-jeton")
        .json(&request_body("local-3", &ok_intake(&th)))
        .send()
        .await
        .expect("send");
    assert_eq!(error_code(res).await, (401, "STATION_UNKNOWN".into()));
    let res = coord
        .post(th.url("/api/admin/stations/inconnu/revoke"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_refuses_excluded_and_incomplete_intakes_with_the_core_codes() {
    let th = hub().await;
    let station = th.station("Poste").await;
    let adult = birth_years_ago(&th, 40);
    let cases = [
        (
            intake(adult, "fièvre", true, false),
            "EXCLUDED_ABDOMINAL_PAIN",
        ),
        (
            intake(adult, "mal au ventre depuis hier", false, false),
            "EXCLUDED_ABDOMINAL_PAIN",
        ),
        (
            intake(birth_years_ago(&th, 1), "fièvre", false, false),
            "EXCLUDED_CHILD_UNDER_3",
        ),
        (
            json!({"birthDate": adult, "complaint": "toux"}),
            "INTAKE_INCOMPLETE",
        ),
    ];
    for (i, (intake, code)) in cases.iter().enumerate() {
        let res = th
            .request(&station, &request_body(&format!("x{i}"), intake))
            .await;
        assert_eq!(error_code(res).await, (422, code.to_string()), "case {i}");
    }
    let refusals: Vec<String> = th
        .hub
        .admin()
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "consultation.refused")
        .map(|e| e.detail)
        .collect();
    assert_eq!(refusals.len(), 4);
    assert!(refusals[2].contains("EXCLUDED_CHILD_UNDER_3"));
    // No health data in the trail: neither the complaint nor the patient's name.
    assert!(refusals
        .iter()
        .all(|d| !d.contains("ventre") && !d.contains("Durand")));
    let mut body = request_body("x9", &ok_intake(&th));
    body["intake"]["surprise"] = json!(1);
    let res = th.request(&station, &body).await;
    assert_eq!(error_code(res).await, (400, "BAD_REQUEST".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_local_id_is_one_consultation_and_the_list_puts_priority_then_oldest_first() {
    let th = hub().await;
    let station = th.station("Poste").await;
    let (gp, _, _) = th.gp("gp@relais.test").await;
    let adult = birth_years_ago(&th, 40);
    let a = th.consultation(&station, "a").await;
    th.advance(60);
    let again = th.consultation(&station, "a").await;
    assert_eq!(a.consultation_id, again.consultation_id);
    assert_ne!(a.join_token, again.join_token);
    th.advance(60);
    let res = th
        .request(
            &station,
            &request_body("b", &intake(adult, "toux", false, true)),
        )
        .await;
    let b: RoomTicket = res.json().await.expect("b");
    th.advance(60);
    let c = th.consultation(&station, "c").await;
    let elderly = birth_years_ago(&th, 80);
    th.advance(60);
    let res = th
        .request(
            &station,
            &request_body("d", &intake(elderly, "toux", false, false)),
        )
        .await;
    let d: RoomTicket = res.json().await.expect("d");
    let list: Vec<WaitingConsultation> = gp
        .get(th.url("/api/consultations/waiting"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = list.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            &b.consultation_id,
            &d.consultation_id,
            &a.consultation_id,
            &c.consultation_id
        ]
        .map(String::as_str)
    );
    assert_eq!(list[0].station_name, "Poste");
    assert_eq!(list[1].age_years, 80);
    assert_eq!(list[2].complaint, "toux depuis trois jours");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_gp_accepts_second_gets_409_and_station_sees_the_gp() {
    let th = hub().await;
    let station = th.station("Poste").await;
    let (gp1, _, _) = th.gp("gp1@relais.test").await;
    let (gp2, _, _) = th.gp("gp2@relais.test").await;
    let t = th.consultation(&station, "a").await;
    let res = th.accept(&gp1, &t.consultation_id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ticket: RoomTicket = res.json().await.expect("ticket");
    assert_eq!(ticket.room_id, t.room_id);
    let res = th.accept(&gp2, &t.consultation_id).await;
    assert_eq!(error_code(res).await, (409, "ALREADY_ACCEPTED".into()));
    let res = th.accept(&gp1, "inconnue").await;
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
    let status: ConsultationStatus = th
        .client()
        .get(th.url(&format!("/api/station/consultations/{}", t.consultation_id)))
        .bearer_auth(&station.token)
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(status.status, HubConsultationStatus::Accepted);
    assert_eq!(status.gp_name.as_deref(), Some("Compte gp1@relais.test"));
    let other = th.station("Autre poste").await;
    let res = th
        .client()
        .get(th.url(&format!("/api/station/consultations/{}", t.consultation_id)))
        .bearer_auth(&other.token)
        .send()
        .await
        .expect("status");
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
    let res = th
        .client()
        .post(th.url(&format!(
            "/api/station/consultations/{}/cancel",
            t.consultation_id
        )))
        .bearer_auth(&station.token)
        .send()
        .await
        .expect("cancel");
    assert_eq!(error_code(res).await, (409, "ALREADY_ACCEPTED".into()));
    let res = gp2
        .get(th.url(&format!("/api/consultations/{}/events", t.consultation_id)))
        .send()
        .await
        .expect("events");
    assert_eq!(error_code(res).await, (403, "FORBIDDEN".into()));
    let events: Vec<ConsultationEvent> = gp1
        .get(th.url(&format!("/api/consultations/{}/events", t.consultation_id)))
        .send()
        .await
        .expect("events")
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["consultation.request", "consultation.accept"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn station_cancels_a_waiting_consultation_and_gets_no_more_tickets() {
    let th = hub().await;
    let station = th.station("Poste").await;
    let t = th.consultation(&station, "a").await;
    let post = |path: String| {
        th.client()
            .post(th.url(&path))
            .bearer_auth(&station.token)
            .send()
    };
    let res = post(format!(
        "/api/station/consultations/{}/ticket",
        t.consultation_id
    ))
    .await
    .expect("ticket");
    assert_eq!(res.status(), StatusCode::OK);
    let res = post(format!(
        "/api/station/consultations/{}/cancel",
        t.consultation_id
    ))
    .await
    .expect("cancel");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = post(format!(
        "/api/station/consultations/{}/ticket",
        t.consultation_id
    ))
    .await
    .expect("ticket");
    assert_eq!(error_code(res).await, (409, "CONSULTATION_ENDED".into()));
    let (status, code) = th.refused(&t.join_token, None).await;
    assert_eq!((status, code.as_str()), (409, "CONSULTATION_ENDED"));
}
