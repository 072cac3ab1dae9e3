// The upload forms of films, songs and interpreter recordings: a resumable (tus) upload with
// a progress bar, a pause button, and its states announced in a live region. A dropped
// connection resumes by itself; a paused or interrupted upload resumes where it stopped, also
// after the page is reloaded and the same file chosen again.

import { csrfHeaders, say } from "./common.js";
import { Aborted, TusUpload } from "./tus.js";

const ANNOUNCE_EVERY_PERCENT = 25;

class UploadForm {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector('input[type="file"]');
    this.error = form.querySelector(".field-error");
    this.submit = form.querySelector('button[type="submit"]');
    this.pause = form.querySelector(".upload-pause");
    this.progressBox = form.querySelector(".upload-progress");
    this.progress = form.querySelector("progress");
    this.percentText = form.querySelector(".upload-percent");
    this.status = form.querySelector(".upload-status");
    this.upload = null;
    this.announced = -1;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    this.pause.addEventListener("click", () => this.togglePause());
    this.input.addEventListener("change", () => this.showError(""));
  }

  start() {
    const file = this.input.files[0];
    if (!file) {
      this.showError(say("editor_js_no_file"));
      this.input.focus();
      return;
    }
    this.showError("");
    const { itemId, target, endpoint, chunkSize } = this.form.dataset;
    this.upload = new TusUpload(file, {
      endpoint,
      chunkSize: Number(chunkSize),
      headers: csrfHeaders(),
      metadata: { item_id: itemId, target, filename: file.name, filetype: file.type || "application/octet-stream" },
      storageKey: `tolk-upload:${itemId}:${target}:${file.name}:${file.size}:${file.lastModified}`,
      onProgress: (sent) => this.showProgress(sent, file.size),
      onRetry: () => this.tell(say("editor_js_resuming", { percent: this.percent() })),
    });
    this.run();
  }

  async run() {
    this.submit.disabled = true;
    this.input.disabled = true;
    this.pause.hidden = false;
    this.pause.textContent = say("editor_js_pause");
    this.progressBox.hidden = false;
    try {
      await this.upload.start();
      this.pause.hidden = true;
      this.tell(say("editor_js_upload_done"));
      window.location.assign(this.form.dataset.doneUrl);
    } catch (error) {
      if (error instanceof Aborted) {
        this.tell(say("editor_js_paused", { percent: this.percent() }));
        this.pause.textContent = say("editor_js_resume");
        return;
      }
      this.pause.hidden = true;
      this.submit.disabled = false;
      this.input.disabled = false;
      this.showError(say("editor_js_upload_failed", { reason: error.message }));
      this.input.focus();
    }
  }

  togglePause() {
    if (!this.upload) return;
    if (this.upload.aborted) {
      this.pause.textContent = say("editor_js_pause");
      this.run();
    } else {
      this.upload.abort();
    }
  }

  percent() {
    return Math.floor(this.progress.value);
  }

  showProgress(sent, total) {
    const percent = total ? (100 * sent) / total : 100;
    this.progress.value = percent;
    this.percentText.textContent = `${Math.floor(percent)} %`;
    if (sent >= total) {
      this.tell(say("editor_js_processing"));
      return;
    }
    // A screen reader hears every quarter, not every chunk.
    const step = Math.floor(percent / ANNOUNCE_EVERY_PERCENT) * ANNOUNCE_EVERY_PERCENT;
    if (step > this.announced) {
      this.announced = step;
      this.tell(say("editor_js_uploading", { percent: step }));
    }
  }

  tell(text) {
    this.status.textContent = text;
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
    const ids = [this.input.getAttribute("aria-describedby")?.split(" ")[0], text && this.error.id];
    this.input.setAttribute("aria-describedby", ids.filter(Boolean).join(" "));
    if (text) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }
}

export function setUpUploads(root = document) {
  for (const form of root.querySelectorAll("form.tus-upload")) new UploadForm(form);
}
