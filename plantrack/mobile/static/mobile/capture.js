// The phone pages' outbox: an entry (an update, an activity) is kept on the phone first, in
// IndexedDB (through idb-keyval), then sent; with no signal it waits and is sent when the
// signal returns. Each entry carries an Idempotency-Key made when it was entered, so sending it
// again after a lost answer saves it once (the server keeps the first answer with the key).
// A conflict (the action was updated meanwhile) is kept and shown, never dropped: the officer
// reads the newer update and sends theirs anyway or discards it.
//
// Without JavaScript the forms post as ordinary forms; this only adds the offline behaviour.
import { createStore, get, set, del, entries } from "../dist/idb-keyval.js";

const root = document.getElementById("capture");
const PAGES = "plantrack-m-pages"; // the service worker's page cache (templates/mobile/sw.js)
const KEEP_SENT = 20; // sent entries shown, newest first
const RETRY_MS = 30_000;

const store = createStore("plantrack-outbox", "entries");
const signal = document.getElementById("capture-signal");
const outbox = document.getElementById("outbox");
const list = document.getElementById("outbox-list");
let flushing = null;

const user = root ? root.dataset.user : null;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function mine() {
  const all = await entries(store);
  return all.map(([, entry]) => entry).filter((entry) => entry.user === user)
    .sort((a, b) => b.created.localeCompare(a.created));
}

// --- Entering --------------------------------------------------------------------------------

async function keep(form) {
  const fields = [];
  let photo = null;
  for (const [name, value] of new FormData(form)) {
    if (name === "csrfmiddlewaretoken") continue;
    if (value instanceof File) {
      if (value.size) photo = { name, file: value };
      continue;
    }
    fields.push([name, name === "date" && !value ? localDate() : value]);
  }
  if (!fields.some(([name]) => name === "date")) fields.push(["date", localDate()]);
  const entry = {
    key: newKey(),
    user,
    kind: form.dataset.capture,
    actionId: form.dataset.actionId || null,
    label: form.dataset.label || "Entry",
    summary: summarise(fields),
    url: form.action,
    fields,
    photo,
    created: new Date().toISOString(),
    state: "waiting",
    message: "",
  };
  await set(entry.key, entry, store);
  return entry;
}

function summarise(fields) {
  const named = Object.fromEntries(fields);
  return (named.narrative || named.title || "").slice(0, 140);
}

// --- Sending ---------------------------------------------------------------------------------

async function send(entry) {
  const body = new FormData();
  for (const [name, value] of entry.fields) body.append(name, value);
  if (entry.photo) body.append(entry.photo.name, entry.photo.file, entry.photo.file.name || "photo");
  let response;
  try {
    response = await fetch(entry.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "follow",
      headers: {
        "Accept": "application/json",
        "Idempotency-Key": entry.key,
        "X-CSRFToken": csrfToken(),
        // Whose entry this is: another user signed in on this phone is refused it (409).
        "X-PlanTrack-User": entry.user,
      },
    });
  } catch {
    return false; // no signal: the entry waits
  }
  const answer = response.headers.get("Content-Type")?.includes("json")
    ? await response.json().catch(() => ({}))
    : {};
  if (response.status === 201) {
    Object.assign(entry, {
      state: "sent", message: answer.message || "Saved.", link: answer.url, savedId: answer.id,
      sent: new Date().toISOString(), photo: null, fields: [],
    });
    await set(entry.key, entry, store);
    await chain(entry);
    refreshPages(entry.url);
    return true;
  }
  let goOn = true;
  if (response.redirected || response.status === 401 || answer.wrong_user) {
    // Signed out, or someone else signed in on this phone: kept until its author signs in.
    entry.state = "waiting";
    entry.message = answer.message || "Sign in again to send this.";
  } else if (response.status === 409 && "latest" in answer) {
    Object.assign(entry, { state: "conflict", message: answer.message, latest: answer.latest });
  } else if (response.status === 413) {
    entry.state = "refused";
    entry.message = "The photo is too large to send. Discard this and enter it again with a smaller photo.";
  } else if ([400, 403, 404, 422].includes(response.status)) {
    entry.state = "refused";
    entry.message = answer.message || answer.detail?.__all__?.[0] || (
      response.status === 403 ? "You may no longer send this here." : "This could not be saved.");
  } else {
    // 409 "in progress", a server error, a proxy's or a Wi-Fi sign-in page's answer: it
    // waits, and is sent again later.
    entry.state = "waiting";
    entry.message = "Not sent yet: the server did not answer. It will be sent again.";
    goOn = false;
  }
  await set(entry.key, entry, store);
  return goOn;
}

// Updates to one action written one after another with no signal: the second was based on
// the same update as the first, so once the first is saved the second is based on it.
async function chain(sent) {
  if (sent.kind !== "update") return;
  const based = sent.basedOn;
  for (const entry of await mine()) {
    if (entry.state !== "waiting" || entry.kind !== "update" || entry.actionId !== sent.actionId) continue;
    const field = entry.fields.find(([name]) => name === "based_on");
    if (field && field[1] === based) {
      field[1] = String(sent.savedId);
      await set(entry.key, entry, store);
    }
  }
}

async function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    for (const { key } of (await mine()).reverse()) {
      // Read afresh: sending one entry may have changed the next (chain).
      const entry = await get(key, store);
      if (!entry || entry.state !== "waiting") continue;
      entry.basedOn = (entry.fields.find(([name]) => name === "based_on") || [])[1];
      entry.state = "sending";
      render();
      if (!(await send(entry))) {
        const kept = await get(entry.key, store);
        if (kept && kept.state === "sending") {
          kept.state = "waiting";
          await set(kept.key, kept, store);
        }
        break; // no signal: stop, the rest wait too
      }
    }
    await prune();
  })();
  try {
    await flushing;
  } finally {
    flushing = null;
    render();
  }
}

async function prune() {
  const sent = (await mine()).filter((entry) => entry.state === "sent");
  for (const entry of sent.slice(KEEP_SENT)) await del(entry.key, store);
}

// The pages kept for offline use are refreshed once something is saved, so that a form opened
// later with no signal is based on the latest update.
async function refreshPages(...urls) {
  if (!("caches" in window)) return;
  const cache = await caches.open(PAGES);
  for (const url of [...urls, root.dataset.home]) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch {
      return;
    }
  }
}

// --- Showing ---------------------------------------------------------------------------------

const STATES = {
  waiting: ["Waiting to send", "govuk-tag--yellow"],
  sending: ["Sending", "govuk-tag--blue"],
  sent: ["Sent", "govuk-tag--green"],
  conflict: ["Not saved: conflict", "govuk-tag--orange"],
  refused: ["Not saved", "govuk-tag--red"],
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function button(text, onClick, secondary = true) {
  const b = el("button", { type: "button", class: `govuk-button${secondary ? " govuk-button--secondary" : ""} govuk-!-margin-bottom-1 govuk-!-margin-right-1` }, text);
  b.addEventListener("click", onClick);
  return b;
}

async function render() {
  const all = user ? await mine() : [];
  const waiting = all.filter((entry) => entry.state === "waiting" || entry.state === "sending").length;
  if (signal) {
    signal.textContent = navigator.onLine
      ? (waiting ? `${waiting} waiting to send.` : "")
      : `No signal: what you enter is kept on this phone${waiting ? ` (${waiting} waiting)` : ""} and sent when the signal returns.`;
  }
  if (!outbox) return;
  outbox.hidden = all.length === 0;
  list.replaceChildren(...all.map(item));
}

function item(entry) {
  const [label, colour] = STATES[entry.state] || STATES.waiting;
  const when = new Date(entry.sent || entry.created).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  const li = el("li", { class: "app-outbox__item", "data-state": entry.state },
    el("strong", { class: `govuk-tag ${colour}` }, label), " ",
    el("span", { class: "govuk-body-s" }, `${entry.label}, ${when}`));
  if (entry.summary) li.append(el("p", { class: "govuk-body-s govuk-!-margin-bottom-1" }, entry.summary));
  if (entry.message) li.append(el("p", { class: "govuk-body-s govuk-!-margin-bottom-1" }, entry.message));
  if (entry.state === "sent" && entry.link) {
    li.append(el("a", { class: "govuk-link govuk-body-s", href: entry.link }, "See it"));
  }
  if (entry.state === "conflict") {
    const latest = entry.latest;
    if (latest) {
      li.append(el("div", { class: "govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-1" },
        el("p", { class: "govuk-body-s govuk-!-margin-bottom-1" },
          `Newer update${latest.date ? `, ${latest.date}` : ""}${latest.author ? ` by ${latest.author}` : ""}${latest.rag ? `: ${latest.rag}` : ""}`),
        el("p", { class: "govuk-body-s govuk-!-margin-bottom-0" }, latest.narrative || "")));
    }
    li.append(button("Send mine anyway", () => resend(entry), false));
  }
  if (entry.state === "conflict" || entry.state === "refused") {
    li.append(button("Discard mine", () => discard(entry)));
  }
  return li;
}

async function resend(entry) {
  const field = entry.fields.find(([name]) => name === "based_on");
  if (field) field[1] = entry.latest ? String(entry.latest.id) : "";
  // Another request now, so another key: the first key's request was answered 409.
  await del(entry.key, store);
  Object.assign(entry, { key: newKey(), state: "waiting", message: "", latest: null });
  await set(entry.key, entry, store);
  await flush();
}

async function discard(entry) {
  if (window.confirm("Discard this entry? It was not saved and will be lost.")) {
    await del(entry.key, store);
    render();
  }
}

// --- Start -----------------------------------------------------------------------------------

async function warm() {
  // The pages linked from here (each action's update form, the activity form) are kept for
  // use with no signal.
  if (!("caches" in window) || !navigator.onLine) return;
  const links = [...document.querySelectorAll("a[data-warm]")].map((a) => a.href).slice(0, 100);
  if (links.length) await refreshPages(...links).catch(() => {});
}

if (root && user) {
  for (const form of document.querySelectorAll("form[data-capture]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const entry = await keep(form);
      form.reset();
      render();
      await flush();
      const kept = await get(entry.key, store);
      if (kept && kept.state === "sent" && form.dataset.capture === "update") {
        window.location.assign(root.dataset.home);
      }
    });
  }
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => render());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  setInterval(() => { if (navigator.onLine) flush(); }, RETRY_MS);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.home })
      .then(() => navigator.serviceWorker.ready)
      .then(() => (document.querySelector("a[data-warm]") ? warm() : null))
      .catch(() => {});
  }
  render();
  flush();
}
