//! What the consumers were answered: status, `Retry-After`, operation ids, stale-read markers,
//! and how long they waited. Each check prints the answers it looked at when it fails.

use std::time::{Duration, Instant};

use cucumber::then;
use serde_json::json;

use super::consumer::Consumer;
use crate::answer::{Answer, ensure, unexpected};
use crate::store::answer_bound;
use crate::world::LpaStore;

/// `Retry-After` a consumer can act on: present, and a few seconds at most.
fn sensible_retry_after(answer: &Answer) -> bool {
    answer
        .retry_after
        .is_some_and(|wait| wait <= Duration::from_secs(60))
}

#[then(expr = "the store answers {int}")]
async fn the_store_answers(world: &mut LpaStore, status: u16) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.status == Some(status),
        &format!("status {status}"),
        answer,
    )
}

#[then(expr = "every answer was {int}")]
async fn every_answer_was(world: &mut LpaStore, status: u16) -> anyhow::Result<()> {
    let wrong: Vec<&Answer> = world
        .answers
        .iter()
        .filter(|a| a.status != Some(status))
        .collect();
    if world.answers.is_empty() || !wrong.is_empty() {
        return Err(unexpected(&format!("every answer {status}"), &wrong));
    }
    Ok(())
}

#[then(expr = "{consumer} is told the store is unavailable, with a Retry-After")]
async fn told_unavailable(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.request.starts_with(&consumer.to_string())
            && answer.status == Some(503)
            && sensible_retry_after(answer),
        &format!("{consumer} told 503 with a Retry-After of at most 60 s"),
        answer,
    )
}

#[then(expr = "{consumer} is told the write is accepted for later, with an operation id")]
async fn told_accepted(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.request.starts_with(&consumer.to_string())
            && answer.status == Some(202)
            && answer.operation_id.is_some(),
        &format!("{consumer} told 202 with an operation id"),
        answer,
    )
}

#[then("every write was accepted for later, each with its own operation id")]
async fn every_write_accepted(world: &mut LpaStore) -> anyhow::Result<()> {
    let writes: Vec<&Answer> = world.answers_during_outage().iter().collect();
    let mut ids: Vec<_> = writes.iter().filter_map(|a| a.operation_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let all_accepted = writes.iter().all(|a| a.status == Some(202));
    if writes.is_empty() || !all_accepted || ids.len() != writes.len() {
        return Err(unexpected(
            "every answer 202, with distinct operation ids",
            &writes,
        ));
    }
    Ok(())
}

#[then("every answer arrived within the database bound")]
async fn every_answer_within_bound(world: &mut LpaStore) -> anyhow::Result<()> {
    let bound = answer_bound();
    let late: Vec<&Answer> = world.answers.iter().filter(|a| a.took > bound).collect();
    if world.answers.is_empty() || !late.is_empty() {
        return Err(unexpected(
            &format!(
                "every answer within {} ms (the database bound and a margin)",
                bound.as_millis()
            ),
            &late,
        ));
    }
    Ok(())
}

#[then(expr = "the answer took at least {int} ms")]
async fn took_at_least(world: &mut LpaStore, least_ms: u64) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.took >= Duration::from_millis(least_ms),
        &format!("an answer after at least {least_ms} ms"),
        answer,
    )
}

#[then(
    "every answer was the LPA or unavailable with a Retry-After, and the outage was seen at least once"
)]
async fn lpa_or_unavailable(world: &mut LpaStore) -> anyhow::Result<()> {
    let during = world.answers_during_outage();
    let odd: Vec<&Answer> = during
        .iter()
        .filter(|a| !(a.status == Some(200) || (a.status == Some(503) && sensible_retry_after(a))))
        .collect();
    let seen = during.iter().any(|a| a.status == Some(503));
    if during.is_empty() || !odd.is_empty() || !seen {
        let all: Vec<&Answer> = during.iter().collect();
        return Err(unexpected(
            "200 or 503 with Retry-After each time, and at least one 503",
            if odd.is_empty() { &all } else { &odd },
        ));
    }
    Ok(())
}

#[then(expr = "{consumer} got its answer after {int} attempts")]
async fn attempts(world: &mut LpaStore, consumer: Consumer, count: u32) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.request.starts_with(&consumer.to_string()) && answer.attempts == count,
        &format!("{consumer}'s answer after {count} attempts"),
        answer,
    )
}

#[then(expr = "{consumer} gave up waiting, within {int} ms")]
async fn gave_up(world: &mut LpaStore, consumer: Consumer, within_ms: u64) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    let timed_out = answer
        .body
        .as_str()
        .is_some_and(|why| why.starts_with("timed out"));
    ensure(
        answer.status.is_none() && timed_out && answer.took <= Duration::from_millis(within_ms),
        &format!("{consumer} timed out, no answer, within {within_ms} ms"),
        answer,
    )
}

#[then(expr = "{consumer} got no answer: the connection was closed")]
async fn no_answer(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    let closed = answer.body.as_str().is_some_and(|why| {
        why.starts_with("could not talk to the LPA store") && !why.starts_with("timed out")
    });
    ensure(
        answer.status.is_none() && closed,
        &format!("{consumer} got no answer, the connection closed (not a timeout)"),
        answer,
    )
}

#[then(expr = "{consumer} sees the LPA as it was last read, marked stale")]
async fn sees_stale(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let before = world
        .last_read
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no consumer read the LPA before the outage"))?;
    // The typed client keeps only the body, so the stale marker is read off the wire, with the
    // same credentials the client would send.
    let uid = world.uid()?;
    let url = format!("{}/lpas/{uid}", world.store()?.address()?);
    let token = consumer.credentials().token()?;
    let started = Instant::now();
    let response = world
        .admin
        .get(&url)
        .header(contracts::client::JWT_HEADER, format!("Bearer {token}"))
        .send()
        .await;
    let answer = Answer::from_response(
        format!("{consumer} reads the LPA (headers seen)"),
        response,
        started,
    )
    .await;
    // Compared as the typed client reads it, so both sides have the same shape.
    let seen = serde_json::from_value::<contracts::Lpa>(answer.body.clone())
        .ok()
        .and_then(|lpa| serde_json::to_value(lpa).ok());
    let holds = answer.status == Some(200)
        && answer.stale == Some(true)
        && answer.body["uid"] == json!(uid)
        && seen.as_ref() == Some(&before);
    world.record(answer);
    ensure(
        holds,
        "200 with x-lpa-store-stale: true and the LPA as last read",
        world.last_answer()?,
    )
}
