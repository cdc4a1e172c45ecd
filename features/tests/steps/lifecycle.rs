//! The LPA's life through the store, as the consumers drive it: submitted by Make and
//! register an LPA (or Sirius, for paper), signed, put in the statutory waiting period,
//! registered, corrected, and read.

use contracts::{Change, Images, Update, UpdateType};
use cucumber::{given, then, when};
use serde_json::{Value, json};
use testkit::fixture;

use super::consumer::{Consumer, ask};
use crate::answer::ensure;
use crate::store::admin_get;
use crate::world::LpaStore;

/// The donor's last name in the fixture LPA, before any correction.
const FIRST_LAST_NAME: &str = "Zoller";

/// The fixture LPA (`testkit::fixture::online_lpa`) with the donor's first names set to
/// `first_names`, so that LPAs submitted together differ in content.
fn lpa_named(first_names: &str) -> Value {
    let mut lpa = fixture::online_lpa();
    lpa["donor"]["firstNames"] = json!(first_names);
    lpa
}

async fn submit(world: &mut LpaStore, consumer: Consumer, body: Value) -> anyhow::Result<()> {
    consumer.ensure_writes()?;
    let uid = fixture::new_uid();
    let details: contracts::DonorDetails = serde_json::from_value(body.clone())?;
    let call_uid = uid.clone();
    // The answer is kept in the world; the `Then` steps judge it.
    let _recorded = ask(world, consumer, "submits a new LPA", 201, move |client| {
        let (uid, details) = (call_uid.clone(), details.clone());
        async move { client.create(&uid, &details).await }
    })
    .await?;
    world.uid.get_or_insert_with(|| uid.clone());
    world.submitted.push((uid, body));
    Ok(())
}

async fn update(
    world: &mut LpaStore,
    consumer: Consumer,
    what: &str,
    update: Update,
) -> anyhow::Result<contracts::Result<contracts::Lpa>> {
    consumer.ensure_writes()?;
    let uid = world.uid()?;
    ask(world, consumer, what, 201, move |client| {
        let (uid, update) = (uid.clone(), update.clone());
        async move { client.update(&uid, &update).await }
    })
    .await
}

/// The consumer's everyday write: Make and register an LPA records the certificate
/// provider's signature, Sirius corrects the donor's last name.
fn everyday_update(consumer: Consumer) -> Update {
    match consumer.0 {
        testkit::Consumer::MakeRegister => Update::new(UpdateType::CertificateProviderSign)
            .with_change(Change::set(
                "/certificateProvider/signedAt",
                "2024-01-10T09:00:00Z",
            )),
        testkit::Consumer::Sirius | testkit::Consumer::UseAnLpa => Update::new(
            UpdateType::Correction,
        )
        .with_change(Change::new("/donor/lastName", FIRST_LAST_NAME, "Perkins")),
    }
}

/// The fixture's signatures (`testkit::fixture::signatures`) as the client's updates.
fn signatures() -> anyhow::Result<Vec<Update>> {
    fixture::signatures()
        .into_iter()
        .map(|(kind, changes)| {
            let changes: Vec<Change> = serde_json::from_value(changes)?;
            Ok(changes
                .into_iter()
                .fold(Update::named(kind), Update::with_change))
        })
        .collect()
}

#[given(expr = "an LPA that {consumer} submitted")]
async fn an_lpa_submitted(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    submit(world, consumer, fixture::online_lpa()).await?;
    let answer = world.last_answer()?;
    ensure(answer.status == Some(201), "the LPA stored: 201", answer)
}

#[given("an LPA signed by everyone")]
async fn an_lpa_signed_by_everyone(world: &mut LpaStore) -> anyhow::Result<()> {
    let maker = Consumer(testkit::Consumer::MakeRegister);
    an_lpa_submitted(world, maker).await?;
    every_signature(world, maker).await?;
    let answer = world.last_answer()?;
    ensure(
        answer.status == Some(201),
        "every signature recorded: 201",
        answer,
    )
}

#[when(expr = "{consumer} submits a new LPA")]
async fn submits_a_new_lpa(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    submit(world, consumer, fixture::online_lpa()).await
}

#[when(expr = "{consumer} submits {int} new LPAs")]
async fn submits_new_lpas(
    world: &mut LpaStore,
    consumer: Consumer,
    count: usize,
) -> anyhow::Result<()> {
    for i in 0..count {
        submit(world, consumer, lpa_named(&format!("Donor{i}"))).await?;
    }
    Ok(())
}

#[when(expr = "{consumer} submits the LPA again")]
async fn submits_again(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    consumer.ensure_writes()?;
    let uid = world.uid()?;
    let details: contracts::DonorDetails = serde_json::from_value(fixture::online_lpa())?;
    let _recorded = ask(
        world,
        consumer,
        "submits the LPA again",
        201,
        move |client| {
            let (uid, details) = (uid.clone(), details.clone());
            async move { client.create(&uid, &details).await }
        },
    )
    .await?;
    Ok(())
}

#[when(expr = "{consumer} records every signature")]
async fn every_signature(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    for signature in signatures()? {
        let what = format!("records a {} update", signature.kind());
        if update(world, consumer, &what, signature).await?.is_err() {
            break;
        }
    }
    Ok(())
}

#[when(expr = "{consumer} updates the LPA")]
async fn updates_the_lpa(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let what = match consumer.0 {
        testkit::Consumer::MakeRegister => "records the certificate provider's signature",
        _ => "corrects the donor's last name",
    };
    update(world, consumer, what, everyday_update(consumer))
        .await
        .map(drop)
}

#[when(expr = "{consumer} starts the statutory waiting period")]
async fn starts_the_waiting_period(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let kind = Update::new(UpdateType::StatutoryWaitingPeriod);
    update(world, consumer, "starts the statutory waiting period", kind)
        .await
        .map(drop)
}

#[when(expr = "{consumer} registers the LPA")]
async fn registers_the_lpa(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let kind = Update::new(UpdateType::Register);
    update(world, consumer, "registers the LPA", kind)
        .await
        .map(drop)
}

#[when(expr = "{consumer} corrects the donor's last name {int} times in a row")]
async fn corrects_the_last_name(
    world: &mut LpaStore,
    consumer: Consumer,
    times: usize,
) -> anyhow::Result<()> {
    let mut previous = world
        .renames
        .last()
        .map_or_else(|| FIRST_LAST_NAME.to_owned(), |(_, new)| new.clone());
    for i in 0..times {
        let next = format!("Name{}", world.renames.len() + 1);
        let change = Update::new(UpdateType::Correction).with_change(Change::new(
            "/donor/lastName",
            previous.as_str(),
            next.as_str(),
        ));
        let what = format!("corrects the donor's last name ({} of {times})", i + 1);
        let _recorded = update(world, consumer, &what, change).await?;
        world.renames.push((previous, next.clone()));
        previous = next;
    }
    Ok(())
}

#[given(expr = "{consumer} reads the LPA")]
#[when(expr = "{consumer} reads the LPA")]
async fn reads_the_lpa(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let uid = world.uid()?;
    // Use an LPA always asks for presigned image URLs; the others read the LPA as stored.
    let images = if consumer.0 == testkit::Consumer::UseAnLpa {
        Images::Presigned
    } else {
        Images::AsStored
    };
    let result = ask(world, consumer, "reads the LPA", 200, move |client| {
        let uid = uid.clone();
        async move { client.get(&uid, images).await }
    })
    .await?;
    if let Ok(lpa) = result {
        world.last_read = Some(serde_json::to_value(lpa)?);
    }
    Ok(())
}

#[when(expr = "{consumer} reads the LPA {int} times, {int} ms apart")]
async fn reads_repeatedly(
    world: &mut LpaStore,
    consumer: Consumer,
    times: usize,
    gap_ms: u64,
) -> anyhow::Result<()> {
    for _ in 0..times {
        reads_the_lpa(world, consumer).await?;
        tokio::time::sleep(std::time::Duration::from_millis(gap_ms)).await;
    }
    Ok(())
}

#[when(expr = "{consumer} reads the change history")]
async fn reads_the_history(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let uid = world.uid()?;
    let _recorded = ask(
        world,
        consumer,
        "reads the change history",
        200,
        move |client| {
            let uid = uid.clone();
            async move { client.changes(&uid).await }
        },
    )
    .await?;
    Ok(())
}

#[then(expr = "{consumer} sees the LPA with status {string}")]
async fn sees_the_status(
    world: &mut LpaStore,
    consumer: Consumer,
    status: String,
) -> anyhow::Result<()> {
    reads_the_lpa(world, consumer).await?;
    let answer = world.last_answer()?;
    ensure(
        answer.status == Some(200) && answer.body["status"] == json!(status),
        &format!("200 and the LPA with status {status:?}"),
        answer,
    )
}

#[then(expr = "the change history lists {int} updates, newest first, ending with {string}")]
async fn history_lists(world: &mut LpaStore, count: usize, newest: String) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    let records = answer.body.as_array().cloned().unwrap_or_default();
    let newest_first = records
        .windows(2)
        .all(|pair| pair[0]["applied"].as_str() >= pair[1]["applied"].as_str());
    ensure(
        answer.status == Some(200)
            && records.len() == count
            && newest_first
            && records.first().map(|r| &r["type"]) == Some(&json!(newest)),
        &format!("200 and {count} updates, newest first, the newest a {newest}"),
        answer,
    )
}

#[then(expr = "{consumer} is told the LPA already exists, which it takes as success")]
async fn told_already_exists(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.request.starts_with(&consumer.to_string())
            && answer.status == Some(400)
            && answer.body.as_str() == Some("an LPA with this UID already exists"),
        &format!("{consumer} told 400 \"LPA with UID already exists\""),
        answer,
    )
}

#[then("the LPA was stored once, as submitted")]
async fn stored_once(world: &mut LpaStore) -> anyhow::Result<()> {
    let (uid, body) = world
        .submitted
        .last()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no LPA was submitted in this scenario"))?;
    // The store publishes one `lpa-updated` event with `changeType: CREATE` per LPA it
    // stores, so a create applied twice would show twice.
    let events = admin_get(&world.admin, world.store()?, "/__admin/events").await?;
    let creates = events["events"].as_array().map_or(0, |all| {
        all.iter()
            .filter(|e| {
                e["detail"]["uid"] == json!(uid) && e["detail"]["changeType"] == json!("CREATE")
            })
            .count()
    });
    anyhow::ensure!(
        creates == 1,
        "expected: one CREATE event for {uid}\n  the store published {creates}: {events}"
    );
    let client = Consumer(testkit::Consumer::Sirius).client(world)?;
    let stored = serde_json::to_value(client.get(&uid, Images::AsStored).await?)?;
    let sent = serde_json::to_value(serde_json::from_value::<contracts::DonorDetails>(body)?)?;
    let mut problems = Vec::new();
    super::recovery::differences(&sent, &stored, &uid, &mut problems);
    anyhow::ensure!(
        problems.is_empty(),
        "expected: the LPA stored with the content sent\n  the store holds:\n  - {}",
        problems.join("\n  - ")
    );
    Ok(())
}

#[then("every submitted LPA can be read, as submitted")]
async fn every_submitted_lpa_as_submitted(world: &mut LpaStore) -> anyhow::Result<()> {
    anyhow::ensure!(
        !world.submitted.is_empty(),
        "no LPA was submitted in this scenario"
    );
    super::recovery::wait_until_drained(world).await?;
    let client = Consumer(testkit::Consumer::Sirius).client(world)?;
    let uids: Vec<&str> = world
        .submitted
        .iter()
        .map(|(uid, _)| uid.as_str())
        .collect();
    let stored = client.get_many(&uids, Images::AsStored).await?;
    let mut problems = Vec::new();
    if stored.len() != world.submitted.len() {
        problems.push(format!(
            "{} LPAs submitted, {} stored",
            world.submitted.len(),
            stored.len()
        ));
    }
    for (uid, body) in &world.submitted {
        let Some(lpa) = stored.iter().find(|lpa| &lpa.uid == uid) else {
            problems.push(format!("{uid}: not stored"));
            continue;
        };
        let sent = serde_json::to_value(serde_json::from_value::<contracts::DonorDetails>(
            body.clone(),
        )?)?;
        let kept = serde_json::to_value(lpa)?;
        super::recovery::differences(&sent, &kept, uid, &mut problems);
    }
    anyhow::ensure!(
        problems.is_empty(),
        "expected: every submitted LPA stored with the content sent\n  the store holds:\n  - {}",
        problems.join("\n  - ")
    );
    Ok(())
}
