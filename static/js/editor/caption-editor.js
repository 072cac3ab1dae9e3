// The caption editor: the cue list beside the film, the chosen cue's times and text, split,
// merge, insert, delete, shift, play the cue, jump to the next warning, live quality warnings,
// and saving the cues to the JSON API as a new revision. Every command has a key (listed on
// the page); the list is a listbox, so the keyboard alone reaches everything.
//
// A description track also has a timeline: where the film has speech, and its descriptions,
// with a warning for each that overlaps speech or is longer than its pause (description-timing.js).
//
// Long tracks stay responsive: the list is built in chunks between frames, each row is plain
// text (only the chosen cue has fields), and an edit refreshes only the rows it changed.

import { csrfHeaders, errorMessage, say } from "./common.js";
import { cueAt, formatTime, insertAfter, mergeWithNext, parseOffset, parseTime, shiftCues, splitCue } from "./cue-edits.js";
import { allWarnings } from "./cue-quality.js";
import { timingWarnings } from "./description-timing.js";
import { wordWarnings } from "./words-to-check.js";

const CHUNK = 250;
const PAGE = 10;
const ALT_COMMANDS = {
  ArrowDown: "next",
  ArrowUp: "previous",
  KeyL: "list",
  KeyS: "split",
  KeyM: "merge",
  KeyI: "insert",
  KeyD: "delete",
  Delete: "delete",
  KeyO: "offset",
  KeyP: "play",
  KeyW: "next-warning",
};

export function setUpCaptionEditor() {
  const root = document.getElementById("caption-editor");
  const data = document.getElementById("caption-editor-data");
  if (root && data) new CaptionEditor(root, JSON.parse(data.textContent)).setUp();
}

function signature(warnings) {
  return warnings.map((warning) => warning.code + JSON.stringify(warning.values)).join("|");
}

class CaptionEditor {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.cues = data.cues.map((cue) => ({ ...cue }));
    this.rules = data.rules;
    this.timing = data.timing || null;
    this.wordsToCheck = data.wordsToCheck || [];
    this.language = document.documentElement.lang || "sv";
    this.current = 0;
    this.rows = [];
    this.pending = null;
    this.stopAt = null;
    const find = (selector) => root.querySelector(selector);
    this.list = find("#ce-list");
    this.legend = find("#ce-cue-legend");
    this.startField = find("#ce-start");
    this.endField = find("#ce-end");
    this.text = find("#ce-text");
    this.warningList = find("#ce-warnings");
    this.status = find("#ce-status");
    this.media = find("#ce-media");
    this.now = find("#ce-now");
    this.offset = find("#ce-offset");
    this.from = find("#ce-from");
    this.to = find("#ce-to");
    this.timeline = this.timing && this.timing.status === "found" ? find("#ce-timeline") : null;
    this.playhead = null;
  }

  /** The quality warnings of every cue, for descriptions their timing against speech, and
   * for a draft from speech the words to check. */
  computeWarnings() {
    const quality = allWarnings(this.cues, this.rules, this.language);
    const words = wordWarnings(this.cues, this.wordsToCheck);
    const timing = this.timing ? timingWarnings(this.cues, this.timing, this.language) : null;
    return quality.map((found, index) => [...found, ...(timing ? timing[index] : []), ...words[index]]);
  }

  setUp() {
    this.warnings = this.computeWarnings();
    this.buildRows();
    this.drawTimeline();
    this.show(0);
    document.addEventListener("keydown", (event) => this.onKey(event));
    this.list.addEventListener("keydown", (event) => this.onListKey(event));
    this.list.addEventListener("click", (event) => {
      const row = event.target.closest("[role=option]");
      if (row) this.show(this.rows.indexOf(row));
    });
    for (const button of this.root.querySelectorAll("button[data-command]")) {
      button.addEventListener("click", () => this.run(button.dataset.command));
    }
    this.text.addEventListener("input", () => this.edit({ text: this.text.value }));
    this.startField.addEventListener("input", () => this.editTime(this.startField, "start"));
    this.endField.addEventListener("input", () => this.editTime(this.endField, "end"));
    this.offset.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.run("shift");
      }
    });
    if (this.media) this.media.addEventListener("timeupdate", () => this.onTime());
    this.timeline?.addEventListener("click", (event) => {
      const block = event.target.closest("[data-index]");
      if (block) this.show(Number(block.dataset.index));
    });
  }

  // --- the timeline (description tracks) ---------------------------------------------------

  /** The speech row and the cue row, each block placed by its times along the film. */
  drawTimeline() {
    if (!this.timeline) return;
    let length = Math.max(1, this.timing.durationMs || 0);
    for (const cue of this.cues) length = Math.max(length, cue.end);
    this.timelineLength = length;
    const row = (name) => {
      const element = document.createElement("div");
      element.className = `ce-tl-row ${name}`;
      return element;
    };
    const block = (start, end) => {
      const element = document.createElement("span");
      element.className = "ce-tl-block";
      element.style.left = `${(100 * start) / length}%`;
      element.style.width = `${Math.max(0.4, (100 * (end - start)) / length)}%`;
      return element;
    };
    const speech = row("ce-tl-speech");
    for (const [start, end] of this.timing.speech) speech.append(block(start, end));
    const descriptions = row("ce-tl-cues");
    this.cues.forEach((cue, index) => {
      const element = block(cue.start, cue.end);
      element.dataset.index = String(index);
      element.classList.toggle("has-warnings", this.warnings[index].length > 0);
      element.classList.toggle("current", index === this.current);
      descriptions.append(element);
    });
    this.playhead = document.createElement("span");
    this.playhead.className = "ce-tl-playhead";
    this.timeline.replaceChildren(speech, descriptions, this.playhead);
    if (this.media) this.movePlayhead(this.media.currentTime);
  }

  movePlayhead(seconds) {
    if (this.playhead) this.playhead.style.left = `${Math.min(100, (100 * seconds * 1000) / this.timelineLength)}%`;
  }

  // --- the list ----------------------------------------------------------------------------

  /** Rows for every cue: CHUNK now and the rest between frames (or through `through` now). */
  buildRows(through = -1) {
    while (this.rows.length > this.cues.length) this.rows.pop().remove();
    const target = Math.min(this.cues.length, Math.max(this.rows.length + CHUNK, through + 1));
    const fragment = document.createDocumentFragment();
    for (let index = this.rows.length; index < target; index++) {
      const row = document.createElement("div");
      row.setAttribute("role", "option");
      row.id = `ce-cue-${index}`;
      row.className = "ce-row";
      row.setAttribute("aria-selected", "false");
      for (const part of ["ce-n", "ce-t", "ce-x", "ce-w"]) {
        const span = document.createElement("span");
        span.className = part;
        row.append(span);
      }
      this.rows.push(row);
      this.fillRow(index);
      fragment.append(row);
    }
    this.list.append(fragment);
    if (this.rows.length < this.cues.length && this.pending === null) {
      this.pending = setTimeout(() => {
        this.pending = null;
        this.buildRows();
      }, 0);
    }
  }

  fillRow(index) {
    const row = this.rows[index];
    if (!row) return;
    const cue = this.cues[index];
    const [number, time, text, warn] = row.children;
    number.textContent = String(index + 1);
    time.textContent = `${formatTime(cue.start)} – ${formatTime(cue.end)}`;
    text.textContent = cue.text.replace(/\n/g, " / ");
    const count = this.warnings[index].length;
    warn.textContent = count ? `⚠ ${count}` : "";
    warn.title = count ? say("editor_js_ce_warning_count", { count }) : "";
    row.classList.toggle("has-warnings", count > 0);
    row.setAttribute("aria-label", `${index + 1}. ${time.textContent}. ${text.textContent}${count ? `. ${warn.title}` : ""}`);
  }

  /** Rebuild the rows from `index` on (after cues were added or removed there). */
  refreshFrom(index) {
    this.warnings = this.computeWarnings();
    this.buildRows(this.current);
    for (let i = index; i < this.rows.length; i++) this.fillRow(i);
    this.drawTimeline();
  }

  /** After one cue changed: its row, and the rows whose warnings changed with it. */
  refreshChanged() {
    const before = this.warnings;
    this.warnings = this.computeWarnings();
    for (let i = 0; i < this.rows.length; i++) {
      if (i === this.current || signature(before[i]) !== signature(this.warnings[i])) this.fillRow(i);
    }
    this.drawTimeline();
    this.showWarnings();
  }

  // --- the chosen cue ----------------------------------------------------------------------

  show(index) {
    if (!this.cues.length) return;
    const chosen = Math.max(0, Math.min(this.cues.length - 1, index));
    this.buildRows(chosen);
    this.rows[this.current]?.setAttribute("aria-selected", "false");
    this.rows[this.current]?.classList.remove("current");
    this.current = chosen;
    const row = this.rows[chosen];
    row.setAttribute("aria-selected", "true");
    row.classList.add("current");
    this.list.setAttribute("aria-activedescendant", row.id);
    row.scrollIntoView({ block: "nearest" });
    if (this.timeline) {
      for (const element of this.timeline.querySelectorAll(".ce-tl-cues > .current")) element.classList.remove("current");
      this.timeline.querySelector(`.ce-tl-cues > [data-index="${chosen}"]`)?.classList.add("current");
    }
    const cue = this.cues[chosen];
    this.legend.textContent = say("editor_js_ce_cue", { number: chosen + 1 });
    this.startField.value = formatTime(cue.start);
    this.endField.value = formatTime(cue.end);
    this.text.value = cue.text;
    this.fieldError(this.startField, null);
    this.fieldError(this.endField, null);
    this.showWarnings();
  }

  showWarnings() {
    const items = this.warnings[this.current].map((warning) => {
      const item = document.createElement("li");
      item.textContent = say(`editor_js_ce_${warning.code}`, warning.values);
      if (warning.error) item.className = "report-error";
      return item;
    });
    if (!items.length) {
      const none = document.createElement("li");
      none.className = "none";
      none.textContent = say("editor_js_ce_no_warnings");
      items.push(none);
    }
    this.warningList.replaceChildren(...items);
  }

  fieldError(input, message) {
    const error = document.getElementById(`${input.id}-error`);
    error.textContent = message || "";
    error.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  edit(changes) {
    this.cues[this.current] = { ...this.cues[this.current], ...changes };
    this.changed();
    this.refreshChanged();
  }

  editTime(input, name) {
    const value = parseTime(input.value);
    if (value === null) {
      this.fieldError(input, say("editor_js_ce_bad_time"));
      return;
    }
    this.fieldError(input, null);
    this.edit({ [name]: value });
  }

  changed() {
    this.dirty = true;
    this.status.textContent = say("editor_js_ce_unsaved");
  }

  announce(key, values = {}) {
    this.status.textContent = say(key, values);
  }

  // --- keys and commands -------------------------------------------------------------------

  onKey(event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && ALT_COMMANDS[event.code]) {
      event.preventDefault();
      this.run(ALT_COMMANDS[event.code]);
    } else if ((event.ctrlKey || event.metaKey) && !event.altKey && event.code === "KeyS") {
      event.preventDefault();
      this.run("save");
    }
  }

  onListKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = {
      ArrowDown: this.current + 1,
      ArrowUp: this.current - 1,
      PageDown: this.current + PAGE,
      PageUp: this.current - PAGE,
      Home: 0,
      End: this.cues.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      this.show(moves[event.key]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.text.focus();
    }
  }

  run(command) {
    const commands = {
      next: () => this.show(this.current + 1),
      previous: () => this.show(this.current - 1),
      list: () => this.list.focus(),
      split: () => this.split(),
      merge: () => this.merge(),
      insert: () => this.insert(),
      delete: () => this.remove(),
      offset: () => this.offset.focus(),
      shift: () => this.shift(),
      play: () => this.play(),
      "next-warning": () => this.nextWarning(),
      save: () => this.save(),
    };
    commands[command]?.();
  }

  split() {
    const caret = document.activeElement === this.text ? this.text.selectionStart : -1;
    if (!splitCue(this.cues, this.current, caret)) {
      this.announce("editor_js_ce_cannot_split");
      return;
    }
    this.changed();
    this.refreshFrom(this.current);
    this.show(this.current);
    this.announce("editor_js_ce_split_done", { number: this.current + 1, next: this.current + 2 });
  }

  merge() {
    if (!mergeWithNext(this.cues, this.current)) {
      this.announce("editor_js_ce_cannot_merge");
      return;
    }
    this.changed();
    this.refreshFrom(this.current);
    this.show(this.current);
    this.announce("editor_js_ce_merge_done", { number: this.current + 1 });
  }

  insert() {
    const index = insertAfter(this.cues, this.current);
    this.changed();
    this.refreshFrom(index - 1);
    this.show(index);
    this.text.focus();
    this.announce("editor_js_ce_inserted", { number: index + 1 });
  }

  remove() {
    if (this.cues.length <= 1) {
      this.announce("editor_js_ce_cannot_delete");
      return;
    }
    this.cues.splice(this.current, 1);
    this.changed();
    this.refreshFrom(this.current);
    this.show(Math.min(this.current, this.cues.length - 1));
    this.announce("editor_js_ce_deleted");
  }

  shift() {
    const offset = parseOffset(this.offset.value);
    if (offset === null) {
      this.fieldError(this.offset, say("editor_js_ce_bad_offset"));
      this.offset.focus();
      return;
    }
    this.fieldError(this.offset, null);
    let [from, to] = [0, this.cues.length - 1];
    if (this.root.querySelector("#ce-scope-range").checked) {
      [from, to] = [Number(this.from.value) - 1, Number(this.to.value) - 1];
      const valid = Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to < this.cues.length;
      if (!valid) {
        this.fieldError(this.offset, say("editor_js_ce_bad_range", { count: this.cues.length }));
        return;
      }
    }
    if (!shiftCues(this.cues, from, to, offset)) {
      this.fieldError(this.offset, say("editor_js_ce_shift_negative"));
      return;
    }
    this.changed();
    this.refreshFrom(from);
    this.show(this.current);
    const seconds = (offset / 1000).toString();
    this.announce("editor_js_ce_shifted", {
      count: to - from + 1,
      offset: this.language === "sv" ? seconds.replace(".", ",") : seconds,
    });
  }

  play() {
    if (!this.media) return;
    const cue = this.cues[this.current];
    this.stopAt = cue.end / 1000;
    this.media.currentTime = cue.start / 1000;
    this.media.play().catch(() => {});
  }

  onTime() {
    const time = this.media.currentTime;
    if (this.stopAt !== null && time >= this.stopAt) {
      this.media.pause();
      this.stopAt = null;
    }
    this.movePlayhead(time);
    const index = cueAt(this.cues, Math.round(time * 1000));
    this.now.textContent = index >= 0 ? this.cues[index].text : "";
  }

  nextWarning() {
    const count = this.cues.length;
    for (let step = 1; step <= count; step++) {
      const index = (this.current + step) % count;
      if (this.warnings[index].length) {
        this.show(index);
        const first = this.warnings[index][0];
        this.status.textContent = `${say("editor_js_ce_cue", { number: index + 1 })}: ${say(`editor_js_ce_${first.code}`, first.values)}`;
        return;
      }
    }
    this.announce("editor_js_ce_no_more_warnings");
  }

  async save() {
    const broken = this.cues.findIndex((cue) => cue.end <= cue.start);
    if (broken >= 0) {
      this.show(broken);
      this.announce("editor_js_ce_fix_first", { number: broken + 1, error: say("editor_js_ce_bad_times") });
      return;
    }
    this.announce("editor_js_ce_saving");
    const body = {
      cues: this.cues.map((cue) => ({
        start_ms: cue.start,
        end_ms: cue.end,
        text: cue.text,
        identifier: cue.identifier || "",
        settings: cue.settings || "",
      })),
      base_revision: this.data.baseRevision,
    };
    const response = await fetch(this.data.saveUrl, {
      method: "POST",
      headers: { ...csrfHeaders(), "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status === 201) {
      this.dirty = false;
      window.location.assign(`${this.data.editUrl}?notice=revision_saved`);
      return;
    }
    this.announce("editor_js_ce_save_failed", { error: await errorMessage(response) });
  }
}
