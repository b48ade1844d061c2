// The console in a real browser: Debian's Chromium, driven by playwright-core, against the packaged service, a
// real broker, PostgreSQL and Keycloak that ConsoleBrowserIT started. It passes what it needs in the environment:
//   CONSOLE_URL          the service, e.g. http://localhost:41234
//   OPERATOR_USER/_PASSWORD, READER_USER/_PASSWORD, ADMIN_USER/_PASSWORD   people of the Keycloak realm
//   PASTED_TOKEN         an access token of the realm (the sign-in page's token form)
//   RESET_GROUP          a consumer group with committed offsets and no members; ACTIVE_GROUP one with a member
//   STREAM               the stream whose events are being published while the tests run
//   DEAD_LETTER_TYPE     a type with one dead letter (its rating is not a number); ADMIN_TOKEN registers the fix
//   BULK_DEAD_LETTER_TYPE a type with BULK_DEAD_LETTERS dead letters of the same fault, for the bulk redrive
//   SCREENSHOTS          where each page's screenshot goes
//   CHROMIUM             the browser (default /usr/bin/chromium)
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.CONSOLE_URL;
const screenshots = process.env.SCREENSHOTS || "target/console-screenshots";
const PATIENCE = 60_000;
mkdirSync(screenshots, { recursive: true });

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--disable-quic"],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh browser profile whose page fails the test on any error it logs or throws. */
async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (message) => {
    // The console's own pages; the identity provider's login page is not ours to judge.
    if (message.type() === "error" && page.url().startsWith(base)) {
      page.errors.push(`console error at ${page.url()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => {
    if (page.url().startsWith(base)) {
      page.errors.push(`uncaught at ${page.url()}: ${error.message}`);
    }
  });
  return page;
}

async function signInAtProvider(page, user, password) {
  await page.goto(base + "/console");
  await page.waitForURL(/\/console\/sign-in\?next=%2Fconsole/, { timeout: PATIENCE });
  await page.screenshot({ path: join(screenshots, "sign-in.png"), fullPage: true });
  await page.click("[data-sign-in-provider]");
  // Keycloak's own login form
  await page.waitForSelector("#username", { timeout: PATIENCE });
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("#kc-login");
  await page.waitForURL(base + "/console", { timeout: PATIENCE });
}

/**
 * No error in the page but the refusals a test provoked on purpose: the browser logs each refused request
 * ("Failed to load resource: ... 401"), so those are counted, not ignored.
 */
function assertNoErrorsBut(page, refusals) {
  const refused = page.errors.filter((e) => /Failed to load resource: the server responded with a status of 40[139]/.test(e));
  assert.deepEqual(page.errors.filter((e) => !refused.includes(e)), []);
  assert.equal(refused.length, refusals, refused.join("\n"));
}

/** The committed offset of each partition, as the group's page shows it. */
async function committedOffsets(page) {
  return Object.fromEntries(await page.$$eval("[data-testid=partitions] tbody tr", (rows) => rows.map((row) =>
    [row.dataset.partition, Number(row.querySelector("[data-committed]").textContent.trim())])));
}

/** How long the page took to arrive and to be ready, as the browser measured it (printed for the notes). */
async function reportLoadTime(page, name) {
  await page.reload();
  await page.waitForLoadState("load");
  const timing = await page.evaluate(() => performance.getEntriesByType("navigation")[0].toJSON());
  console.log(`load time of ${name}: first byte ${Math.round(timing.responseStart)} ms, whole page ${Math.round(timing.responseEnd)} ms,`
    + ` ready ${Math.round(timing.domContentLoadedEventEnd)} ms, loaded ${Math.round(timing.loadEventEnd)} ms`);
}

/** The dead letters page, filtered to the type's PENDING ones through its form. */
async function showPendingDeadLetters(page, type) {
  await page.click("nav >> text=Dead letters");
  await page.waitForURL(base + "/console/dead-letters", { timeout: PATIENCE });
  await page.fill("[data-testid=dead-letter-filter] input[name=type]", type);
  await page.selectOption("[data-testid=dead-letter-filter] select[name=status]", "PENDING");
  await page.click("[data-testid=dead-letter-filter] button[type=submit]");
  await page.waitForURL(/status=PENDING/, { timeout: PATIENCE });
}

/** The fix of a dead letter's fault: a version of the type's schema that takes the rating as text too (an admin registers it). */
async function registerRatingAsText(type) {
  const fixed = await fetch(`${base}/schemas/${encodeURIComponent(type)}/versions`, {
    method: "POST",
    headers: { Authorization: "Bearer " + process.env.ADMIN_TOKEN, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "object", required: ["rating"], properties: { rating: { type: ["integer", "string"] } } }),
  });
  assert.ok(fixed.ok, `registering the fix: ${fixed.status} ${await fixed.text()}`);
}

function number(text) {
  return Number.parseFloat(text.replace(/,/g, ""));
}

test("an operator signs in at the identity provider and the overview shows the ingest rate live", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.OPERATOR_USER, process.env.OPERATOR_PASSWORD);
  assert.match(await page.textContent("[data-testid=viewer]"), new RegExp(process.env.OPERATOR_USER));

  // Events are being published while the test runs: the figures refresh themselves (htmx) until the rate shows.
  await page.waitForFunction(() => {
    const rate = document.querySelector("[data-testid=ingest-rate]");
    return rate && Number.parseFloat(rate.textContent.replace(/,/g, "")) > 0;
  }, null, { timeout: PATIENCE, polling: 500 });
  assert.ok(number(await page.textContent("[data-testid=ingest-rate]")) > 0);
  // An operator sees the consumer groups (the service's own ingest group at least) with their status.
  await page.waitForSelector("[data-testid=groups] tbody tr", { timeout: PATIENCE });
  // The charts are drawn by uPlot from the samples.
  await page.waitForSelector("[data-chart=rates][data-ready=true] canvas", { timeout: PATIENCE });
  await page.waitForSelector("[data-chart=latency][data-ready=true] canvas", { timeout: PATIENCE });
  await page.screenshot({ path: join(screenshots, "overview.png"), fullPage: true });
  await reportLoadTime(page, "overview");

  // A forged request: the session cookie rides along, the bearer token does not. The API takes only the
  // bearer token, so a request another site makes the browser send changes nothing.
  const forged = await page.evaluate(async () => {
    const response = await fetch("/replays", {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ streams: ["rentals"], targetTopic: "forged.target" }),
    });
    return response.status;
  });
  assert.equal(forged, 401);
  // Nor does the cookie open a session by itself: opening one needs the bearer token.
  const sessionByCookie = await page.evaluate(async () =>
    (await fetch("/console/session", { method: "POST", credentials: "include" })).status);
  assert.equal(sessionByCookie, 401);

  await page.click("[data-sign-out]");
  await page.waitForURL(/\/console\/sign-in/, { timeout: PATIENCE });
  await page.goto(base + "/console");
  await page.waitForURL(/\/console\/sign-in/, { timeout: PATIENCE });
  assertNoErrorsBut(page, 2);
});

test("an operator moves a group's offsets: the plan is shown, confirmed, and the offsets are what it said", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.OPERATOR_USER, process.env.OPERATOR_PASSWORD);
  const group = process.env.RESET_GROUP;
  await page.click("nav >> text=Consumer groups");
  await page.waitForURL(base + "/console/consumer-groups", { timeout: PATIENCE });
  await page.click(`[data-testid=groups] >> text=${group}`);
  await page.waitForSelector("[data-testid=partitions]");
  const before = await committedOffsets(page);
  assert.ok(Object.values(before).some((offset) => offset > 0), JSON.stringify(before));

  await page.selectOption("[data-plan-form] select[name=operation]", "to-earliest");
  await page.click("[data-plan-form] button[type=submit]");
  await page.waitForSelector("[data-testid=plan] tbody tr");
  const plan = Object.fromEntries((await page.$$eval("[data-testid=plan] tbody tr",
    (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent))))
    .map(([topic, partition, now, after]) => [`${topic}/${partition}`, { now: Number(now), after: Number(after) }]));
  // Shown, not done: the plan is what a dry run says, and the offsets have not moved yet.
  for (const [partition, step] of Object.entries(plan)) {
    assert.equal(step.now, before[partition]);
    assert.equal(step.after, 0);
  }
  assert.deepEqual(await committedOffsets(page), before);
  await page.screenshot({ path: join(screenshots, "consumer-group-plan.png"), fullPage: true });

  await page.click("[data-apply-plan]");
  await page.waitForSelector("[data-wizard-done]:not([hidden])", { timeout: PATIENCE });
  await page.waitForFunction((expected) => {
    const cells = [...document.querySelectorAll("[data-testid=partitions] tbody tr")];
    return cells.length > 0 && cells.every((row) => row.querySelector("[data-committed]").textContent.trim() === "0")
      && cells.length === expected;
  }, Object.keys(plan).length, { timeout: PATIENCE });
  // and the broker holds what the plan said, read back through the API
  const detail = await page.evaluate(async (name) =>
    (await window.eventLakeConsole.api("/consumer-groups/" + encodeURIComponent(name))).json(), group);
  for (const partition of detail.partitions) {
    assert.equal(partition.committedOffset, plan[`${partition.topic}/${partition.partition}`].after);
  }
  await page.screenshot({ path: join(screenshots, "consumer-group-moved.png"), fullPage: true });

  // A group with a member running is not moved: the copy is refused with the API's reason, before any plan.
  await page.goto(base + "/console/consumer-groups/" + encodeURIComponent(process.env.ACTIVE_GROUP));
  await page.waitForSelector("[data-testid=members]");
  await page.selectOption("[data-plan-form] select[name=operation]", "copy");
  await page.fill("[data-plan-form] input[name=value]", group);
  await page.click("[data-plan-form] button[type=submit]");
  await page.waitForSelector("[data-wizard-problem]:not([hidden])", { timeout: PATIENCE });
  assert.match(await page.textContent("[data-wizard-problem]"), /active|member/i);
  assert.ok(await page.locator("[data-plan]").isHidden());
  assertNoErrorsBut(page, 1);
});

test("a dead letter is inspected, its schema fixed, redriven from the console, and its event is in the lake", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.OPERATOR_USER, process.env.OPERATOR_PASSWORD);
  const type = process.env.DEAD_LETTER_TYPE;
  await showPendingDeadLetters(page, type);
  assert.equal(await page.locator("[data-testid=dead-letters] tbody tr").count(), 1);
  // the bulk redrive says what it would do before doing anything
  await page.click("[data-bulk-count]");
  await page.waitForSelector("[data-testid=bulk-count]:visible");
  assert.match(await page.textContent("[data-testid=bulk-count]"), /^1 pending dead letter match/);
  await page.screenshot({ path: join(screenshots, "dead-letters.png"), fullPage: true });

  await page.click("[data-testid=dead-letters] tbody tr a");
  await page.waitForSelector("[data-testid=violations]");
  assert.match(await page.textContent("[data-testid=violations]"), /\/rating/);
  assert.match(await page.textContent("[data-testid=payload]"), /"rating": "five"/);
  assert.match(await page.textContent("[data-testid=headers]"), new RegExp(type.replace(/\./g, "\\.")));
  assert.equal((await page.textContent("[data-testid=dead-letter-status]")).trim(), "PENDING");
  await page.screenshot({ path: join(screenshots, "dead-letter.png"), fullPage: true });
  await reportLoadTime(page, "dead letter");

  await registerRatingAsText(type);

  await page.click("[data-redrive]");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=dead-letter-status]")?.textContent.trim().startsWith("REDRIVEN"),
  null, { timeout: PATIENCE });
  assert.match(await page.textContent("[data-testid=actions]"), /redrive/i);
  // The event is in the lake: a reader finds it by its type.
  const lake = await fetch(`${base}/events?type=${encodeURIComponent(type)}`, {
    headers: { Authorization: "Bearer " + process.env.PASTED_TOKEN },
  });
  const events = (await lake.json()).events;
  assert.equal(events.length, 1);
  assert.equal(events[0].data.rating, "five");
  assertNoErrorsBut(page, 0);
});

test("a filter's dead letters are redriven from the console a batch at a time, each of them once", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.OPERATOR_USER, process.env.OPERATOR_PASSWORD);
  const type = process.env.BULK_DEAD_LETTER_TYPE;
  const pending = Number(process.env.BULK_DEAD_LETTERS);
  await showPendingDeadLetters(page, type);
  await page.click("[data-bulk-count]");
  await page.waitForSelector("[data-testid=bulk-count]:visible");
  assert.match(await page.textContent("[data-testid=bulk-count]"), new RegExp(`^${pending} pending dead letters match`));

  await registerRatingAsText(type);

  // The service goes through at most eventlake.dead-letter.redrive-batch (2 here) a call: the console calls on until
  // none is left, and the totals are of all the calls.
  await page.click("[data-bulk-execute]");
  const expected = `Redriven ${pending}, still invalid 0, already in the lake 0.`;
  await page.waitForFunction((text) => document.querySelector("[data-bulk-done]")?.textContent === text, expected,
    { timeout: PATIENCE });
  const lake = await fetch(`${base}/events?type=${encodeURIComponent(type)}`, {
    headers: { Authorization: "Bearer " + process.env.PASTED_TOKEN },
  });
  assert.equal((await lake.json()).events.length, pending);
  assertNoErrorsBut(page, 0);
});

test("a replay is reviewed, started from the form, and its progress bar reaches 100% live", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.OPERATOR_USER, process.env.OPERATOR_PASSWORD);
  await page.click("nav >> text=Replays");
  await page.waitForURL(base + "/console/replays", { timeout: PATIENCE });
  const target = "replay." + process.env.STREAM + ".console";
  await page.fill("[data-replay-form] input[name=streams]", process.env.STREAM);
  await page.fill("[data-replay-form] input[name=targetTopic]", target);
  await page.fill("[data-replay-form] input[name=eventsPerSecond]", "200");
  await page.click("[data-replay-form] button[type=submit]");
  // what will happen, before it happens
  assert.match(await page.textContent("[data-testid=replay-review]"), new RegExp(`sent to the topic ${target.replace(/\./g, "\\.")} at 200 events/s`));
  await page.click("[data-replay-start]");
  await page.waitForURL(/\/console\/replays\/\d+$/, { timeout: PATIENCE });
  const url = page.url();
  // The page is not reloaded: the progress arrives over server-sent events.
  await page.waitForFunction(() => document.querySelector("[data-testid=replay-state]")?.textContent === "SUCCEEDED",
    null, { timeout: PATIENCE * 2 });
  assert.equal(page.url(), url);
  assert.equal(await page.textContent("[data-testid=replay-percent]"), "100");
  assert.equal(await page.getAttribute("[data-testid=replay-bar]", "value"), "100");
  // an ended job offers no cancel
  await page.waitForSelector("[data-replay-cancel]", { state: "detached", timeout: PATIENCE });
  await page.screenshot({ path: join(screenshots, "replay.png"), fullPage: true });
  const job = await page.evaluate(async (path) => (await window.eventLakeConsole.api(path)).json(),
    "/replays/" + url.split("/").pop());
  assert.equal(job.state, "SUCCEEDED");
  assert.ok(job.sent > 0 && job.sent === job.totalExpected, JSON.stringify(job));
  await page.goto(base + "/console/replays");
  assert.match(await page.textContent("[data-testid=replays]"), new RegExp(target.replace(/\./g, "\\.")));
  assertNoErrorsBut(page, 0);
});

test("a reader compares two schema versions, sees what breaks, and tries events in the sandbox", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.READER_USER, process.env.READER_PASSWORD);
  const type = process.env.DEAD_LETTER_TYPE;
  await page.click("nav >> text=Schemas");
  await page.waitForURL(base + "/console/schemas", { timeout: PATIENCE });
  await page.click(`[data-testid=schema-types] >> text=${type}`);
  await page.waitForSelector("[data-testid=diff]");
  assert.equal(await page.locator("[data-testid=versions] tbody tr").count(), 2);
  // v2 takes a text rating too: nothing written with v1 breaks (BACKWARD holds), a v1 reader refuses v2's text.
  assert.equal(await page.locator("[data-testid=backward-breaks]").count(), 0);
  assert.match(await page.textContent("[data-testid=forward-breaks]"), /\/rating/);
  assert.ok(await page.locator("[data-testid=diff] tr.diff-CHANGED").count() >= 1);
  // a reader may not change the level: the form is not offered
  assert.equal(await page.locator("[data-compatibility-form]").count(), 0);
  await page.screenshot({ path: join(screenshots, "schema-diff.png"), fullPage: true });
  await reportLoadTime(page, "schema");

  await page.selectOption("[data-sandbox-form] select[name=version]", "1");
  await page.fill("[data-sandbox-form] textarea", JSON.stringify({ rating: "five" }));
  await page.click("[data-sandbox-form] button[type=submit]");
  await page.waitForSelector("[data-testid=sandbox-verdict]:not([hidden])");
  assert.match(await page.textContent("[data-testid=sandbox-verdict]"), /^Invalid under version 1/);
  assert.match(await page.textContent("[data-testid=sandbox-violations]"), /\/rating/);
  await page.selectOption("[data-sandbox-form] select[name=version]", "");
  await page.click("[data-sandbox-form] button[type=submit]");
  await page.waitForFunction(() => document.querySelector("[data-testid=sandbox-verdict]").textContent.startsWith("Valid"));
  assert.equal(await page.textContent("[data-testid=sandbox-verdict]"), "Valid under version 2.");
  assertNoErrorsBut(page, 0);
});

test("an admin finds who moved the group's offsets in the audit trail", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.ADMIN_USER, process.env.ADMIN_PASSWORD);
  await page.click("nav >> text=Audit");
  await page.waitForURL(base + "/console/audit", { timeout: PATIENCE });
  await page.fill("[data-testid=audit-filter] input[name=operation]", "ConsumerGroupResource.reset");
  await page.selectOption("[data-testid=audit-filter] select[name=outcome]", "SUCCEEDED");
  await page.click("[data-testid=audit-filter] button[type=submit]");
  await page.waitForURL(/operation=ConsumerGroupResource.reset/, { timeout: PATIENCE });
  const rows = await page.$$eval("[data-testid=audit] tbody tr", (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.length >= 1, "no reset in the audit trail");
  assert.ok(rows.every((row) => row.includes("ConsumerGroupResource.reset") && row.includes("SUCCEEDED")), rows.join("\n"));
  assert.ok(rows.some((row) => row.includes(process.env.OPERATOR_USER) && row.includes(process.env.RESET_GROUP)),
    rows.join("\n"));
  await page.screenshot({ path: join(screenshots, "audit.png"), fullPage: true });
  assertNoErrorsBut(page, 0);
});

test("a reader sees the figures but none of an operator's parts", async () => {
  const page = await freshPage();
  await signInAtProvider(page, process.env.READER_USER, process.env.READER_PASSWORD);
  await page.waitForSelector("[data-testid=ingest-rate]");
  assert.equal(await page.locator("[data-testid=groups]").count(), 0);
  assert.equal(await page.getByText("Consumer groups").count(), 0);
  assert.equal(await page.getByText("Replays running").count(), 0);
  // No way to the groups, and no reset on a group's page: it is not for a reader.
  assert.equal(await page.locator("nav >> text=Consumer groups").count(), 0);
  const groupPage = await page.goto(base + "/console/consumer-groups/" + encodeURIComponent(process.env.RESET_GROUP));
  assert.equal(groupPage.status(), 403);
  assert.match(await page.textContent("[data-testid=problem]"), /'operator'/);
  assert.equal(await page.locator("[data-apply-plan], [data-plan-form]").count(), 0);
  await page.goto(base + "/console");
  await page.screenshot({ path: join(screenshots, "overview-reader.png"), fullPage: true });

  // A key's current state and its whole history, superseded and deleting events marked.
  await page.click("nav >> text=Streams");
  await page.waitForURL(base + "/console/streams", { timeout: PATIENCE });
  await page.selectOption("[data-testid=key-lookup] select[name=stream]", process.env.STREAM);
  await page.fill("[data-testid=key-lookup] input[name=key]", "Villa-1");
  await page.click("[data-testid=key-lookup] button[type=submit]");
  await page.waitForSelector("[data-testid=timeline]");
  assert.deepEqual(await page.$$eval("[data-testid=timeline] [data-mark]", (marks) => marks.map((m) => m.dataset.mark)),
    ["SUPERSEDED", "SUPERSEDED", "LATEST"]);
  assert.match(await page.textContent("[data-testid=key-state]"), /^Live/);
  assert.match(await page.textContent("[data-testid=key-data]"), /"version": ?3/);
  await page.screenshot({ path: join(screenshots, "streams-key.png"), fullPage: true });
  await reportLoadTime(page, "key history");
  await page.fill("[data-testid=key-lookup] input[name=key]", "Villa-2");
  await page.click("[data-testid=key-lookup] button[type=submit]");
  await page.waitForURL(/key=Villa-2/, { timeout: PATIENCE });
  assert.deepEqual(await page.$$eval("[data-testid=timeline] [data-mark]", (marks) => marks.map((m) => m.dataset.mark)),
    ["SUPERSEDED", "DELETED"]);
  assert.match(await page.textContent("[data-testid=key-state]"), /was deleted by event/);
  // What the page does not offer the API refuses anyway, with the reader's own token.
  const refused = await page.evaluate(async () => {
    const response = await window.eventLakeConsole.api("/consumer-groups");
    return response.status;
  });
  assert.equal(refused, 403);
  // the refused page (403) and the refused call
  assertNoErrorsBut(page, 2);
});

test("a pasted access token signs in, and a bad one is refused with the reason", async () => {
  const page = await freshPage();
  await page.goto(base + "/console/sign-in");
  await page.click("details summary");
  await page.fill("#token", "not-a-token");
  await page.click("[data-token-form] button[type=submit]");
  await page.waitForSelector("[data-testid=sign-in-problem]:not([hidden])", { timeout: PATIENCE });
  assert.match(await page.textContent("[data-testid=sign-in-problem]"), /not valid here/);
  await page.fill("#token", process.env.PASTED_TOKEN);
  await page.click("[data-token-form] button[type=submit]");
  await page.waitForURL(base + "/console", { timeout: PATIENCE });
  await page.waitForSelector("[data-testid=ingest-rate]");

  // The address bin/run-dev prints: a token after '#', which no server sees, signs in at once.
  const other = await freshPage();
  await other.goto(base + "/console/sign-in#token=" + encodeURIComponent(process.env.PASTED_TOKEN));
  await other.waitForURL(base + "/console", { timeout: PATIENCE });
  await other.waitForSelector("[data-testid=ingest-rate]");
  assertNoErrorsBut(other, 0);
  assertNoErrorsBut(page, 1);
});
