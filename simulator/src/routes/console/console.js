// The rehearsal console: polls the admin API once a second and draws what it says. Plain
// JavaScript, no build step, no third-party code: the page works offline, from the binary.
"use strict";

const POLL_MS = 1000;
const WINDOW_MS = 60_000;
const CONSUMERS = {
  "opg.poas.makeregister": "Make and register",
  "opg.poas.use": "Use an LPA",
  "opg.poas.sirius": "Sirius",
};

const state = { after: 0, requests: [], outages: [], lastError: null };

function $(id) { return document.getElementById(id); }

function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function call(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["content-type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
  if (!response.ok) {
    const detail = json && json.detail ? json.detail : text || response.statusText;
    throw new Error(`${method} ${path}: ${response.status} ${detail}`);
  }
  return json;
}

function showError(id, error) {
  const element = $(id);
  if (error) {
    element.textContent = error.message;
    element.hidden = false;
  } else {
    element.hidden = true;
  }
}

// Database -------------------------------------------------------------------------------

function renderDatabase(database) {
  const condition = database.condition || {};
  const name = condition.state || "unknown";
  const extra = condition.latency_ms ? ` (${condition.latency_ms} ms)` : condition.period_ms ? ` (${condition.period_ms} ms)` : "";
  $("db-state").textContent = name;
  $("database-badge").dataset.state = name;
  $("db-condition").textContent = name + extra;
  $("db-via").textContent = database.via ? `applied ${database.via}` : "";
  const own = Object.entries(database.consumers || {}).filter(([, c]) => c.state !== "online");
  $("db-consumers").textContent = own.length === 0 ? ""
    : "For one consumer only: " + own.map(([issuer, c]) => `${CONSUMERS[issuer] || issuer} ${c.state}`).join(", ");
}

async function setDatabase(which) {
  const condition = { state: which };
  if (which === "slow") condition.latency_ms = Number($("slow-ms").value);
  if (which === "flapping") condition.period_ms = Number($("flap-ms").value);
  const only = $("db-for").value;
  const path = only ? `/__admin/database/consumers/${encodeURIComponent(only)}` : "/__admin/database";
  try {
    renderDatabase(await call("PUT", path, condition));
    showError("db-error", null);
  } catch (error) {
    showError("db-error", error);
  }
}

// Faults ---------------------------------------------------------------------------------

function renderFaults(listing) {
  const faults = listing.faults || [];
  $("fault-rows").innerHTML = faults.length === 0
    ? `<tr><td colspan="7" class="muted">none</td></tr>`
    : faults.map(f => `<tr data-fault="${escape(f.name)}">
        <td>${escape(f.name)}</td><td>${escape(f.kind)}${f.status ? " " + f.status : ""}${f.latency_ms ? " " + f.latency_ms + " ms" : ""}</td>
        <td>${escape(Object.entries(f.selector || {}).map(([k, v]) => `${k}=${v}`).join(", ") || "every request")}</td>
        <td class="num">${f.probability}</td><td class="num">${f.applied}</td>
        <td class="num">${f.remaining ?? "∞"}</td>
        <td><button type="button" data-remove="${escape(f.name)}">Remove</button></td></tr>`).join("");
}

async function addFault(form) {
  const data = new FormData(form);
  const kind = data.get("kind");
  const fault = { kind, probability: Number(data.get("probability")) };
  if (kind === "status") fault.status = Number(data.get("status"));
  if (kind === "latency") fault.latency_ms = Number(data.get("latency_ms"));
  if (kind === "hang") fault.max_ms = Number(data.get("latency_ms"));
  const count = data.get("count");
  if (count) fault.count = Number(count);
  const selector = {};
  if (data.get("route")) selector.route = data.get("route");
  if (data.get("issuer")) selector.issuer = data.get("issuer");
  fault.selector = selector;
  try {
    await call("POST", "/__admin/faults", fault);
    showError("fault-error", null);
    renderFaults(await call("GET", "/__admin/faults"));
  } catch (error) {
    showError("fault-error", error);
  }
}

// Outbox ---------------------------------------------------------------------------------

function renderOutbox(outbox, operations) {
  $("outbox-mode").textContent = outbox.mode === "queue" ? "queue writes while the database is away" : "fail fast";
  const all = operations.operations || [];
  const count = which => all.filter(o => o.state === which).length;
  $("outbox-pending").textContent = count("queued");
  $("outbox-applied").textContent = count("applied");
  $("outbox-failed").textContent = count("failed");
  const recent = all.slice(-15).reverse();
  $("operation-rows").innerHTML = recent.length === 0
    ? `<tr><td colspan="5" class="muted">nothing queued</td></tr>`
    : recent.map(o => `<tr><td class="num">${o.sequence}</td><td>${escape((o.acceptedAt || "").slice(11, 23))}</td>
        <td>${escape(o.kind)}</td><td>${escape(o.uid)}</td><td>${escape(o.state)}</td></tr>`).join("");
}

// Journal and timeline -------------------------------------------------------------------

function statusClass(status) {
  if (status >= 200 && status < 400) return "s2";
  if (status >= 400 && status < 500 && status !== 499) return "s4";
  if (status >= 500) return "s5";
  return "sx";
}

function renderJournal() {
  const recent = state.requests.slice(-30).reverse();
  $("request-rows").innerHTML = recent.length === 0
    ? `<tr><td colspan="7" class="muted">no request yet</td></tr>`
    : recent.map(r => `<tr><td class="num">${r.sequence}</td><td>${escape(r.at.slice(11, 23))}</td>
        <td>${escape(CONSUMERS[r.issuer] || r.issuer || "anonymous")}</td>
        <td>${escape(r.method)} ${escape(r.path)}</td>
        <td class="${statusClass(r.status)}">${r.status === 0 ? "dropped" : r.status}</td>
        <td class="num">${r.durationMs}</td><td>${escape(r.fault || "")}</td></tr>`).join("");
}

const COLOURS = { s2: "#2e7d32", s4: "#ef6c00", s5: "#c62828", sx: "#757575" };

function renderTimeline() {
  const svg = $("timeline");
  const now = Date.now();
  const from = now - WINDOW_MS;
  const lanes = Object.keys(CONSUMERS).concat(["other"]);
  const left = 130, right = 950, top = 10, laneHeight = 48;
  const x = t => left + (right - left) * (t - from) / WINDOW_MS;
  const y = (lane, ms) => {
    const fraction = Math.min(1, Math.log10(1 + ms) / 4); // 1 ms .. 10 s
    return top + lane * laneHeight + (laneHeight - 8) * (1 - fraction) + 4;
  };
  let parts = [];
  for (const outage of state.outages) {
    const start = Math.max(from, Date.parse(outage.startedAt));
    const end = outage.endedAt ? Date.parse(outage.endedAt) : now;
    if (end >= from) {
      parts.push(`<rect class="band" x="${x(start)}" y="${top}" width="${Math.max(2, x(end) - x(start))}" height="${laneHeight * lanes.length}"><title>database ${escape(outage.condition)}</title></rect>`);
    }
  }
  lanes.forEach((issuer, lane) => {
    const label = CONSUMERS[issuer] || "others";
    parts.push(`<text x="4" y="${top + lane * laneHeight + laneHeight / 2 + 4}">${escape(label)}</text>`);
    parts.push(`<line class="axis" x1="${left}" x2="${right}" y1="${top + (lane + 1) * laneHeight}" y2="${top + (lane + 1) * laneHeight}"/>`);
  });
  for (const r of state.requests) {
    const at = Date.parse(r.at);
    if (at < from) continue;
    const lane = Math.max(0, lanes.indexOf(CONSUMERS[r.issuer] ? r.issuer : "other"));
    const colour = COLOURS[statusClass(r.status)];
    const cx = x(at).toFixed(1), cy = y(lane, r.durationMs).toFixed(1);
    parts.push(r.fault
      ? `<circle cx="${cx}" cy="${cy}" r="4" fill="none" stroke="${colour}" stroke-width="2"><title>${escape(r.method)} ${escape(r.path)}: ${r.status}, fault ${escape(r.fault)}</title></circle>`
      : `<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"><title>${escape(r.method)} ${escape(r.path)}: ${r.status} in ${r.durationMs} ms</title></circle>`);
  }
  parts.push(`<text x="${left}" y="${top + laneHeight * lanes.length + 14}">−60 s</text>`);
  parts.push(`<text x="${right - 24}" y="${top + laneHeight * lanes.length + 14}">now</text>`);
  svg.innerHTML = parts.join("");
}

// Polling --------------------------------------------------------------------------------

async function poll() {
  try {
    const [database, faults, outbox, operations, journal, report] = await Promise.all([
      call("GET", "/__admin/database").catch(() => ({ condition: { state: "unknown" } })),
      call("GET", "/__admin/faults"),
      call("GET", "/__admin/outbox"),
      call("GET", "/__admin/operations"),
      call("GET", `/__admin/requests?after=${state.after}`),
      call("GET", "/__admin/report").catch(() => ({ outages: [] })),
    ]);
    renderDatabase(database);
    renderFaults(faults);
    renderOutbox(outbox, operations);
    const fresh = journal.requests || [];
    if (fresh.length && fresh[0].sequence <= state.after) state.requests = []; // journal cleared
    state.requests = state.requests.concat(fresh).filter(r => Date.parse(r.at) > Date.now() - WINDOW_MS - 5000);
    if (fresh.length) state.after = fresh[fresh.length - 1].sequence;
    state.outages = report.outages || [];
    renderJournal();
    renderTimeline();
    $("connection").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("connection").textContent = `cannot reach the admin API: ${error.message}`;
  }
}

document.addEventListener("click", event => {
  const target = event.target;
  if (target.dataset.db) setDatabase(target.dataset.db);
  if (target.dataset.remove) {
    call("DELETE", `/__admin/faults/${encodeURIComponent(target.dataset.remove)}`)
      .then(() => poll())
      .catch(error => showError("fault-error", error));
  }
});
$("fault-form").addEventListener("submit", event => { event.preventDefault(); addFault(event.target); });

poll();
setInterval(poll, POLL_MS);
