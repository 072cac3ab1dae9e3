// Ordering variants through the API and following their jobs live (Server-Sent Events from
// /api/jobs/{id}/events): each job's progress bar moves with the time it has left, and a live
// region says each quarter and the end; a job not yet ended can be cancelled. The captions
// page follows its speech jobs the same way; a finished one shows what it made, with a link to
// review the draft.

import { csrfHeaders, errorMessage, say } from "./common.js";

const ANNOUNCE_EVERY_PERCENT = 25;
const FINAL_STATES = ["done", "failed", "cancelled"];

class JobView {
  constructor(element, status) {
    this.element = element;
    this.status = status;
    this.kinds = element.dataset.kinds;
    this.progress = element.querySelector("progress");
    this.percentText = element.querySelector(".job-percent");
    this.stateText = element.querySelector(".job-state");
    this.announced = Math.floor(this.progress.value / ANNOUNCE_EVERY_PERCENT) * ANNOUNCE_EVERY_PERCENT;
    this.jobUrl = element.dataset.eventsUrl.replace(/\/events$/, "");
    this.eta = document.createElement("span");
    this.eta.className = "job-eta";
    this.cancel = document.createElement("button");
    this.cancel.type = "button";
    this.cancel.className = "small job-cancel";
    this.cancel.textContent = say("editor_js_job_cancel");
    this.cancel.setAttribute("aria-label", say("editor_js_job_cancel_named", { kinds: this.kinds }));
    this.cancel.addEventListener("click", () => this.requestCancel());
    this.stateText.after(this.eta, this.cancel);
  }

  async requestCancel() {
    this.cancel.disabled = true;
    this.status.textContent = say("editor_js_job_cancelling", { kinds: this.kinds });
    const response = await fetch(`${this.jobUrl}/cancel`, { method: "POST", headers: csrfHeaders() });
    if (!response.ok) {
      this.status.textContent = await errorMessage(response);
      this.cancel.disabled = false;
      return;
    }
    this.show(await response.json());  // a running job ends within a second; its events say so
  }

  /** The time left, in whole seconds under a minute and whole minutes above. */
  showEta(job) {
    const seconds = job.state === "running" ? job.eta_seconds : null;
    if (seconds === null || seconds === undefined) this.eta.textContent = "";
    else if (seconds < 60) this.eta.textContent = say("editor_js_job_eta_seconds", { count: Math.max(1, Math.round(seconds)) });
    else this.eta.textContent = say("editor_js_job_eta_minutes", { count: Math.round(seconds / 60) });
  }

  follow() {
    const events = new EventSource(this.element.dataset.eventsUrl);
    events.addEventListener("progress", (event) => this.show(JSON.parse(event.data)));
    for (const state of FINAL_STATES) {
      events.addEventListener(state, (event) => {
        events.close();  // the stream has ended; do not let the browser reconnect
        this.show(JSON.parse(event.data));
      });
    }
  }

  show(job) {
    const percent = Math.round(100 * job.progress);
    this.progress.value = percent;
    this.percentText.textContent = `${percent} %`;
    this.element.dataset.state = job.state;
    this.stateText.textContent = say(`editor_js_state_${job.state}`);
    this.stateText.className = `job-state state state-${job.state}`;
    this.showEta(job);
    this.cancel.hidden = FINAL_STATES.includes(job.state);
    if (job.state === "done") {
      this.status.textContent = say("editor_js_job_done", { kinds: this.kinds });
      if (job.result && "cues" in job.result) this.showResult(job.result);
    } else if (job.state === "failed") {
      // error_message is Tolk's own wording (a speech model's problem) in the page's language.
      const error = job.error_message || job.error || "";
      this.status.textContent = say("editor_js_job_failed", { kinds: this.kinds, error });
      this.showError(error);
    } else if (job.state === "cancelled") {
      this.status.textContent = say("editor_js_job_cancelled", { kinds: this.kinds });
    } else {
      const step = Math.floor(percent / ANNOUNCE_EVERY_PERCENT) * ANNOUNCE_EVERY_PERCENT;
      if (step > this.announced) {
        this.announced = step;
        this.status.textContent = say("editor_js_job_progress", { kinds: this.kinds, percent: step });
      }
    }
  }

  showResult(result) {
    if (this.element.querySelector(".job-result")) return;
    const line = document.createElement("p");
    line.className = "job-result";
    line.textContent = result.cues
      ? say("editor_js_speech_result", { count: result.cues })
      : say("editor_js_speech_no_speech");
    if (result.track_id && this.element.dataset.reviewUrl) {
      const link = document.createElement("a");
      link.href = this.element.dataset.reviewUrl.replace("{track}", String(result.track_id));
      link.textContent = say("editor_js_speech_review");
      line.append(" ", link);
    }
    this.element.append(line);
  }

  showError(error) {
    if (!error || this.element.querySelector(".job-error")) return;
    const line = document.createElement("p");
    line.className = "job-error";
    line.textContent = error;
    this.element.append(line);
  }
}

function jobElement(job, kindNames) {
  const item = document.createElement("li");
  item.className = "job";
  item.dataset.eventsUrl = job.events_url;
  item.dataset.state = job.state;
  item.dataset.kinds = kindNames;
  const label = document.createElement("p");
  label.className = "job-kinds";
  label.id = `job-${job.id}-kinds`;
  label.textContent = kindNames;
  const progress = document.createElement("progress");
  progress.max = 100;
  progress.value = Math.round(100 * job.progress);
  progress.setAttribute("aria-labelledby", label.id);
  const percent = document.createElement("span");
  percent.className = "job-percent";
  percent.textContent = `${progress.value} %`;
  const state = document.createElement("span");
  state.className = `job-state state state-${job.state}`;
  state.textContent = say(`editor_js_state_${job.state}`);
  item.append(label, progress, percent, state);
  return item;
}

function setUpOrderForm(form, list, status) {
  form.addEventListener("submit", async (event) => {
    const chosen = [...form.querySelectorAll('input[name="kinds"]:checked')];
    if (!chosen.length) return;  // the server's page explains what is missing
    event.preventDefault();
    const kinds = chosen.map((box) => box.value);
    const kindNames = chosen.map((box) => form.querySelector(`label[for="${box.id}"]`).textContent).join(", ");
    const response = await fetch(form.dataset.apiUrl, {
      method: "POST",
      headers: { ...csrfHeaders(), "Content-Type": "application/json" },
      body: JSON.stringify({ kinds }),
    });
    if (!response.ok) {
      status.textContent = await errorMessage(response);
      return;
    }
    const job = await response.json();
    const element = jobElement(job, kindNames);
    list.prepend(element);
    list.parentElement.querySelector(".no-jobs")?.remove();
    status.textContent = say("editor_js_ordered", { kinds: kindNames });
    new JobView(element, status).follow();
    for (const box of chosen) box.checked = false;
  });
}

export function setUpVariants(root = document) {
  const list = root.querySelector("ul.jobs");
  if (!list) return;
  const status = root.querySelector(".jobs-status");
  for (const element of list.querySelectorAll(".job")) {
    if (!FINAL_STATES.includes(element.dataset.state)) new JobView(element, status).follow();
  }
  const form = root.querySelector("form.order-form");
  if (form) setUpOrderForm(form, list, status);
}
