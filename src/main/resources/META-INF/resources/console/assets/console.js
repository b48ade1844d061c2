// Event Lake console: the browser half. Pages arrive rendered; this script signs in, adds the bearer token to
// the requests htmx makes, and draws the charts with uPlot. No inline script: the pages' CSP forbids it.
(function () {
  "use strict";

  const TOKEN_KEY = "eventlake.console.token";

  /** The access token the browser signed in with; the API takes it as a bearer token. */
  function token() {
    const stored = window.localStorage.getItem(TOKEN_KEY);
    if (!stored) {
      return null;
    }
    const { value, expiresAt } = JSON.parse(stored);
    if (expiresAt && Date.now() / 1000 > expiresAt) {
      window.localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return value;
  }

  function expiryOf(accessToken) {
    try {
      const payload = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(payload)).exp || null;
    } catch (e) {
      return null;
    }
  }

  function signInPage() {
    const next = window.location.pathname + window.location.search;
    return "/console/sign-in?next=" + encodeURIComponent(next);
  }

  /** A call to the service with the bearer token: the API's own roles decide. */
  async function api(path, options = {}) {
    const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    const bearer = token();
    if (bearer) {
      headers.Authorization = "Bearer " + bearer;
    }
    const response = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin" }));
    if (response.status === 401 && !path.startsWith("/console/session")) {
      window.location.assign(signInPage());
    }
    return response;
  }

  // ---- Sign-in ------------------------------------------------------------------------------------------

  function nextPage() {
    const next = new URLSearchParams(window.location.search).get("next");
    // Only a path of this console: never an address elsewhere (an open redirect).
    return next && next.startsWith("/console") && !next.startsWith("//") ? next : "/console";
  }

  function showProblem(text) {
    const problem = document.querySelector("[data-testid=sign-in-problem]");
    if (problem) {
      problem.textContent = text;
      problem.hidden = false;
    }
  }

  /** Opens the console session with a token: the service checks it as it checks any bearer token. */
  async function openSession(accessToken, next) {
    const response = await fetch("/console/session", {
      method: "POST",
      headers: { Authorization: "Bearer " + accessToken },
      credentials: "same-origin",
    });
    if (response.status !== 204) {
      let detail = "The token was refused (HTTP " + response.status + ").";
      try {
        detail = (await response.json()).detail || detail;
      } catch (e) {
        // not a problem+json body: keep the status
      }
      showProblem(detail);
      return;
    }
    window.localStorage.setItem(TOKEN_KEY, JSON.stringify({ value: accessToken, expiresAt: expiryOf(accessToken) }));
    window.location.assign(next);
  }

  function userManager(section) {
    return new window.oidc.UserManager({
      authority: section.dataset.authority,
      client_id: section.dataset.clientId,
      scope: section.dataset.scope,
      redirect_uri: window.location.origin + "/console/sign-in",
      response_type: "code",
    });
  }

  async function setUpSignIn(section) {
    const form = section.querySelector("[data-token-form]");
    if (form) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        openSession(form.elements.token.value.trim(), nextPage());
      });
    }
    // bin/run-dev prints an address with a token after '#': it never reaches a server or a log.
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    if (fragment.get("token")) {
      const accessToken = fragment.get("token");
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      await openSession(accessToken, nextPage());
      return;
    }
    if (!section.dataset.authority) {
      return;
    }
    const manager = userManager(section);
    const query = new URLSearchParams(window.location.search);
    if (query.has("code") && query.has("state")) {
      try {
        const user = await manager.signinRedirectCallback();
        await openSession(user.access_token, (user.state && user.state.next) || "/console");
      } catch (e) {
        showProblem("Signing in at the identity provider failed: " + e.message);
      }
      return;
    }
    const button = section.querySelector("[data-sign-in-provider]");
    button.addEventListener("click", () => manager.signinRedirect({ state: { next: nextPage() } }));
  }

  async function signOut() {
    window.localStorage.removeItem(TOKEN_KEY);
    await fetch("/console/session", { method: "DELETE", credentials: "same-origin" });
    window.location.assign("/console/sign-in");
  }

  // ---- Problems and tables -------------------------------------------------------------------------------

  /** The API's problem+json as one line: its detail and each violation with its pointer. */
  async function problemText(response) {
    try {
      const problem = await response.json();
      const violations = (problem.errors || []).map((v) => (v.pointer || v.parameter ? (v.pointer || v.parameter) + ": " : "") + v.message);
      return [problem.detail || problem.title].concat(violations).join(" — ");
    } catch (e) {
      return "HTTP " + response.status;
    }
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = false;
  }

  /** Table rows built with textContent only: what the API returns is never read as HTML. */
  function fillRows(tbody, rows) {
    tbody.replaceChildren();
    for (const cells of rows) {
      const tr = document.createElement("tr");
      for (const cell of cells) {
        const td = document.createElement("td");
        td.textContent = cell === null || cell === undefined ? "–" : String(cell);
        if (typeof cell === "number") {
          td.className = "num";
        }
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
  }

  // ---- Consumer groups: the reset wizard ----------------------------------------------------------------

  /** Step 1: the plan (a dry run of the API's own reset or copy); step 2: the same request, executed. */
  function setUpResetWizard(wizard) {
    const group = wizard.dataset.group;
    const form = wizard.querySelector("[data-plan-form]");
    const problem = wizard.querySelector("[data-wizard-problem]");
    const planBox = wizard.querySelector("[data-plan]");
    const done = wizard.querySelector("[data-wizard-done]");
    let planned = null;

    function request(execute) {
      const operation = form.elements.operation.value;
      const value = form.elements.value.value.trim();
      const base = "/consumer-groups/" + encodeURIComponent(group) + "/offsets/";
      if (operation === "copy") {
        return { path: base + "copy", body: { fromGroup: value, execute } };
      }
      return { path: base + "reset", body: { strategy: operation, value: value || null, execute } };
    }

    async function send(execute) {
      const { path, body } = request(execute);
      return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      problem.hidden = true;
      done.hidden = true;
      planBox.hidden = true;
      const response = await send(false);
      if (!response.ok) {
        show(problem, await problemText(response));
        return;
      }
      planned = await response.json();
      fillRows(planBox.querySelector("tbody"), planned.plan.map((p) => [p.topic, p.partition, p.currentOffset, p.newOffset]));
      planBox.querySelector("[data-apply-plan]").textContent = "Apply this plan to " + planned.plan.length
        + " partition" + (planned.plan.length === 1 ? "" : "s");
      planBox.hidden = false;
    });

    wizard.querySelector("[data-apply-plan]").addEventListener("click", async () => {
      problem.hidden = true;
      const response = await send(true);
      if (!response.ok) {
        show(problem, await problemText(response));
        return;
      }
      const applied = await response.json();
      planBox.hidden = true;
      show(done, "Moved " + applied.plan.length + " partition" + (applied.plan.length === 1 ? "" : "s") + ": "
        + applied.plan.map((p) => p.topic + "/" + p.partition + " → " + p.newOffset).join(", ") + ".");
      window.htmx.ajax("GET", "/console/consumer-groups/" + encodeURIComponent(group) + "/position",
        { target: "#position", swap: "outerHTML" });
    });
  }

  // ---- Dead letters ----------------------------------------------------------------------------------------

  /** Bulk redrive: first the API's dry run says how many would go, then the same filter executed. */
  function setUpBulkRedrive(section) {
    const problem = section.querySelector("[data-bulk-problem]");
    const confirmBox = section.querySelector("[data-bulk-confirm]");
    const done = section.querySelector("[data-bulk-done]");
    const filter = {};
    for (const name of ["type", "reason", "status", "from", "to"]) {
      if (section.dataset[name]) {
        filter[name] = section.dataset[name];
      }
    }
    async function send(execute, after) {
      return api("/dead-letters/redrive", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign({ execute, after }, filter)) });
    }
    section.querySelector("[data-bulk-count]").addEventListener("click", async () => {
      problem.hidden = true;
      done.hidden = true;
      const response = await send(false);
      if (!response.ok) {
        show(problem, await problemText(response));
        return;
      }
      const dryRun = await response.json();
      // Beyond eventlake.dead-letter.exact-count-limit the service estimates rather than counts: say so.
      confirmBox.querySelector("[data-testid=bulk-count]").textContent = (dryRun.matchedEstimated ? "About " : "")
        + dryRun.matched + " pending dead letter" + (dryRun.matched === 1 ? "" : "s")
        + " match this filter and would be redriven.";
      confirmBox.querySelector("[data-bulk-execute]").disabled = dryRun.matched === 0;
      confirmBox.hidden = false;
    });
    // The API goes through a batch a call (eventlake.dead-letter.redrive-batch): call again after the last one's
    // lastId while it says there are more, showing the running totals.
    section.querySelector("[data-bulk-execute]").addEventListener("click", async () => {
      confirmBox.hidden = true;
      const total = { redriven: 0, stillInvalid: 0, duplicates: 0 };
      let after = 0;
      for (;;) {
        const response = await send(true, after);
        if (!response.ok) {
          show(problem, await problemText(response));
          return;
        }
        const result = await response.json();
        total.redriven += result.redriven;
        total.stillInvalid += result.stillInvalid;
        total.duplicates += result.duplicates;
        show(done, (result.more ? "Redriving… " : "") + "Redriven " + total.redriven + ", still invalid "
          + total.stillInvalid + ", already in the lake " + total.duplicates + ".");
        if (!result.more) {
          return;
        }
        after = result.lastId;
      }
    });
  }

  /** One dead letter: redrive, or discard after a confirmation; the page then shows its new state. */
  function setUpDeadLetterActions(section) {
    const id = section.dataset.id;
    const problem = section.querySelector("[data-action-problem]");
    async function act(action) {
      problem.hidden = true;
      const response = await api("/dead-letters/" + encodeURIComponent(id) + "/" + action, { method: "POST" });
      if (!response.ok) {
        show(problem, await problemText(response));
        return;
      }
      window.location.reload();
    }
    section.querySelector("[data-redrive]").addEventListener("click", () => act("redrive"));
    section.querySelector("[data-discard]").addEventListener("click", () => {
      section.querySelector("[data-discard-confirm]").hidden = false;
    });
    section.querySelector("[data-discard-execute]").addEventListener("click", () => act("discard"));
  }

  // ---- Replays ---------------------------------------------------------------------------------------------

  function list(text) {
    return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  }

  /** Review, then start: the review says what will be sent where, and a topic that exists already is shared. */
  function setUpReplayForm(section) {
    const form = section.querySelector("[data-replay-form]");
    const review = section.querySelector("[data-replay-review]");
    const problem = section.querySelector("[data-replay-problem]");
    let request = null;

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      problem.hidden = true;
      const f = form.elements;
      request = { source: f.source.value, streams: list(f.streams.value), targetTopic: f.targetTopic.value.trim() };
      if (list(f.types.value).length) request.types = list(f.types.value);
      if (list(f.keys.value).length) request.keys = list(f.keys.value);
      if (f.from.value.trim()) request.from = f.from.value.trim();
      if (f.to.value.trim()) request.to = f.to.value.trim();
      if (f.eventsPerSecond.value) request.eventsPerSecond = Number(f.eventsPerSecond.value);
      review.querySelector("[data-testid=replay-review]").textContent = "The " + request.source + " of "
        + request.streams.join(", ") + (request.types ? " (types " + request.types.join(", ") + ")" : "")
        + (request.keys ? " (keys " + request.keys.join(", ") + ")" : "")
        + (request.from || request.to ? " between " + (request.from || "the start") + " and " + (request.to || "now") : "")
        + " will be sent to the topic " + request.targetTopic
        + (request.eventsPerSecond ? " at " + request.eventsPerSecond + " events/s" : " as fast as it can")
        + ". If that topic exists, every consumer of it receives these events.";
      review.hidden = false;
    });

    section.querySelector("[data-replay-start]").addEventListener("click", async () => {
      const response = await api("/replays", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request) });
      if (!response.ok) {
        review.hidden = true;
        show(problem, await problemText(response));
        return;
      }
      const job = await response.json();
      window.location.assign("/console/replays/" + job.id);
    });
  }

  /** Cancel after a confirmation; gone once the job has ended (its progress stream says "done"). */
  function setUpReplayCancel() {
    document.body.addEventListener("htmx:sseClose", () => {
      document.querySelectorAll("[data-replay-cancel]").forEach((section) => section.remove());
    });
    document.addEventListener("click", async (event) => {
      const section = event.target.closest("[data-replay-cancel]");
      if (!section) {
        return;
      }
      if (event.target.closest("[data-cancel]")) {
        section.querySelector("[data-cancel-confirm]").hidden = false;
      } else if (event.target.closest("[data-cancel-execute]")) {
        const response = await api("/replays/" + encodeURIComponent(section.dataset.id), { method: "DELETE" });
        if (!response.ok) {
          show(section.querySelector("[data-cancel-problem]"), await problemText(response));
          return;
        }
        window.location.reload();
      }
    });
  }

  // ---- Schemas --------------------------------------------------------------------------------------------

  function setUpSandbox(section) {
    const form = section.querySelector("[data-sandbox-form]");
    const verdict = section.querySelector("[data-testid=sandbox-verdict]");
    const violations = section.querySelector("[data-testid=sandbox-violations]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      violations.replaceChildren();
      const version = form.elements.version.value;
      const response = await api("/schemas/" + encodeURIComponent(section.dataset.type) + "/validate"
        + (version ? "?version=" + encodeURIComponent(version) : ""),
      { method: "POST", headers: { "Content-Type": "application/json" }, body: form.elements.payload.value });
      if (!response.ok) {
        show(verdict, await problemText(response));
        return;
      }
      const result = await response.json();
      show(verdict, result.valid ? "Valid under version " + result.version + "."
        : "Invalid under version " + result.version + ":");
      for (const v of result.errors || []) {
        const li = document.createElement("li");
        const code = document.createElement("code");
        code.textContent = v.pointer || "/";
        li.append(code, " " + v.message);
        violations.appendChild(li);
      }
    });
  }

  function setUpCompatibilityForm(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await api("/schemas/" + encodeURIComponent(form.dataset.type) + "/compatibility", {
        method: "PUT", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ compatibility: form.elements.compatibility.value }) });
      if (!response.ok) {
        show(form.querySelector("[data-compatibility-problem]"), await problemText(response));
        return;
      }
      window.location.reload();
    });
  }

  // ---- Charts -------------------------------------------------------------------------------------------

  const CHARTS = {
    rates: {
      series: [
        { label: "stored/s", stroke: "#1d4e89", value: "storedPerSecond" },
        { label: "refused/s", stroke: "#d1495b", value: "rejectedPerSecond" },
        { label: "dead-lettered/s", stroke: "#edae49", value: "deadLetteredPerSecond" },
      ],
    },
    latency: {
      series: [
        { label: "p50 ms", stroke: "#00798c", value: "p50Millis" },
        { label: "p99 ms", stroke: "#d1495b", value: "p99Millis" },
      ],
    },
  };

  function columns(kind, samples) {
    const data = [samples.map((s) => s.at)];
    for (const series of CHARTS[kind].series) {
      data.push(samples.map((s) => s[series.value]));
    }
    return data;
  }

  async function drawChart(element) {
    const kind = element.dataset.chart;
    const load = async () => (await api(element.dataset.series)).json();
    const options = {
      width: Math.max(300, element.clientWidth),
      height: 220,
      series: [{}].concat(CHARTS[kind].series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))),
      axes: [{}, { size: 60 }],
    };
    const chart = new window.uPlot(options, columns(kind, await load()), element);
    element.dataset.ready = "true";
    window.setInterval(async () => chart.setData(columns(kind, await load())), 5000);
  }

  // ---- Start ----------------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    const section = document.getElementById("sign-in");
    if (section) {
      setUpSignIn(section);
    }
    document.querySelectorAll("[data-sign-out]").forEach((b) => b.addEventListener("click", signOut));
    document.querySelectorAll("[data-chart]").forEach(drawChart);
    document.querySelectorAll("[data-reset-wizard]").forEach(setUpResetWizard);
    document.querySelectorAll("[data-bulk-redrive]").forEach(setUpBulkRedrive);
    document.querySelectorAll("[data-dead-letter-actions]").forEach(setUpDeadLetterActions);
    document.querySelectorAll("[data-replay-form-section]").forEach(setUpReplayForm);
    setUpReplayCancel();
    document.querySelectorAll("[data-sandbox]").forEach(setUpSandbox);
    document.querySelectorAll("[data-compatibility-form]").forEach(setUpCompatibilityForm);
    document.body.addEventListener("htmx:configRequest", (event) => {
      const bearer = token();
      if (bearer) {
        event.detail.headers.Authorization = "Bearer " + bearer;
      }
    });
  });

  window.eventLakeConsole = { api, token };
})();
