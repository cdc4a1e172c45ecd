//! Throughput of the simulator with no faults, with faults configured that match nothing, and
//! with a latency fault, measured in one run so the ratios compare like with like.
//!
//! Run with `ci/bench.sh faults` (a release build). Rounds interleave the scenarios and the
//! median of each is reported, so a noisy neighbour affects every scenario alike.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::{Consumer, TestApp, expect_json, spawn};

const CLIENTS: usize = 16;
const ROUND: Duration = Duration::from_secs(2);
const ROUNDS: usize = 5;
const NON_MATCHING_FAULTS: usize = 50;

async fn requests_per_second(app: &TestApp, uid: &str) -> f64 {
    let bearer = format!("Bearer {}", app.token(Consumer::UseAnLpa));
    let url = app.url(&format!("/lpas/{uid}"));
    let deadline = Instant::now() + ROUND;
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, bearer) = (app.client.clone(), url.clone(), bearer.clone());
        clients.push(tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                let response = client
                    .get(&url)
                    .header("X-Jwt-Authorization", &bearer)
                    .send()
                    .await
                    .expect("the simulator answers");
                assert_eq!(response.status(), 200);
                response.bytes().await.expect("a body");
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for client in clients {
        total += client.await.expect("a client finishes");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

async fn set_faults(app: &TestApp, faults: &[Value]) {
    let response = app
        .client
        .delete(app.url("/__admin/faults"))
        .send()
        .await
        .expect("the admin API answers");
    assert!(
        response.status().is_success(),
        "reset: {}",
        response.status()
    );
    for fault in faults {
        let response = app
            .client
            .post(app.url("/__admin/faults"))
            .json(fault)
            .send()
            .await
            .expect("the admin API answers");
        expect_json(response, 201).await;
    }
}

fn non_matching() -> Vec<Value> {
    (0..NON_MATCHING_FAULTS)
        .map(|i| {
            json!({
                "kind": "status",
                "status": 503,
                "selector": {"method": "POST", "route": "/lpas/{uid}/updates", "issuer": format!("opg.poas.nobody{i}")}
            })
        })
        .collect()
}

fn latency() -> Vec<Value> {
    vec![json!({"kind": "latency", "latency_ms": 5, "selector": {"route": "/lpas/{uid}"}})]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let app = spawn(simulator::Simulator::in_memory()).await;
    let uid = app.given_lpa().await;
    let scenarios: [(&str, Vec<Value>); 3] = [
        ("no faults", Vec::new()),
        ("50 faults that match nothing", non_matching()),
        ("latency 5 ms on every read", latency()),
    ];
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); scenarios.len()];
    // Warm-up, not measured.
    requests_per_second(&app, &uid).await;
    for round in 0..ROUNDS {
        for (i, (_, faults)) in scenarios.iter().enumerate() {
            set_faults(&app, faults).await;
            results[i].push(requests_per_second(&app, &uid).await);
        }
        eprintln!("round {}/{ROUNDS} done", round + 1);
    }
    let medians: Vec<f64> = results.iter_mut().map(|r| median(r)).collect();
    println!(
        "faults benchmark: {CLIENTS} clients, {ROUNDS} rounds of {ROUND:?}, median requests per second"
    );
    for ((name, _), rps) in scenarios.iter().zip(&medians) {
        println!(
            "  {name:<32} {rps:>9.0} req/s   ratio {:.3}",
            rps / medians[0]
        );
    }
    let overhead = 1.0 - medians[1] / medians[0];
    println!(
        "non-matching fault overhead: {:.1}% (target < 5%)",
        overhead * 100.0
    );
}
