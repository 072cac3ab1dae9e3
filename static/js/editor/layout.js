// The interpreter's layout: a live preview still (rendered by ffmpeg on the server from the
// form as it stands, before it is saved), and a timing check that plays the film with the
// interpreter beside it, kept in step by the player's SignSync at the offset in the form.

import { SignSync } from "../player/sync.js";
import { fill } from "../player/util.js";
import { errorMessage, say } from "./common.js";

const PREVIEW_DELAY_MS = 250;

class LayoutPreview {
  constructor(form) {
    this.form = form;
    const box = form.closest(".layout-editor").querySelector(".layout-preview");
    this.image = box.querySelector("img");
    this.status = box.querySelector(".preview-status");
    if (!this.image) return;
    this.shown = this.image.src;
    this.objectUrl = null;
    let timer = null;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.update(), PREVIEW_DELAY_MS);
    };
    form.addEventListener("change", schedule);
    form.addEventListener("input", schedule);
  }

  url() {
    const fields = new FormData(this.form);
    fields.delete("csrf_token");
    return `${this.form.dataset.previewUrl}?${new URLSearchParams(fields)}`;
  }

  async update() {
    const url = this.url();
    if (url === this.wanted) return;
    this.wanted = url;
    this.status.textContent = say("editor_js_preview_loading");
    this.image.setAttribute("aria-busy", "true");
    const response = await fetch(url);
    if (url !== this.wanted) return;  // a newer change is on its way
    this.image.removeAttribute("aria-busy");
    if (!response.ok) {
      this.status.textContent = await errorMessage(response);
      this.image.dataset.state = "error";
      return;
    }
    const picture = URL.createObjectURL(await response.blob());
    await new Promise((resolve) => {
      this.image.addEventListener("load", resolve, { once: true });
      this.image.addEventListener("error", resolve, { once: true });
      this.image.src = picture;
    });
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = picture;
    this.image.dataset.state = "ready";
    const corner = new FormData(this.form).get("corner");
    const names = JSON.parse(this.image.dataset.corners || "{}");
    this.image.alt = fill(this.image.dataset.alt, { corner: names[corner] || corner });
    this.status.textContent = say("editor_js_preview_updated");
  }
}

function setUpTimingCheck(section) {
  const film = section.querySelector(".sync-film");
  const signer = section.querySelector(".sync-signer");
  const input = document.getElementById(section.dataset.offsetInput);
  const offset = () => Number(String(input.value).replace(",", ".")) || 0;
  const sync = new SignSync(film, signer, { offset: offset() });
  sync.start();
  input.addEventListener("input", () => {
    sync.offset = offset();
    sync.align();
  });
}

export function setUpLayoutEditors(root = document) {
  for (const form of root.querySelectorAll("form.layout-form")) new LayoutPreview(form);
  for (const section of root.querySelectorAll(".timing-check")) setUpTimingCheck(section);
}
