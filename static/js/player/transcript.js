// The interactive transcript beside the film: built from the caption cues (with chapter
// headings, and the audio description's cues among them, marked), the current cue highlighted, a click or Enter on a cue seeks there, and a search
// that marks what matches. One tab stop: the arrow keys move between cues.

import { formatTime, fill } from "./util.js";

// After the viewer scrolls or points in the transcript, it stops following the film a while.
const HANDS_OFF_MS = 4000;

export class Transcript {
  constructor(player) {
    this.player = player;
    this.section = player.root.querySelector(".tp-transcript");
    this.trackId = "";
    this.cues = [];
    this.buttons = [];
    this.handsOffUntil = 0;
    if (!this.section) return;
    this.body = this.section.querySelector(".tp-transcript-body");
    this.search = this.section.querySelector("input[type=search]");
    this.status = this.section.querySelector(".tp-search-status");
    this.toggleButton = player.root.querySelector(".tp-transcript-button");
    this.toggleButton.addEventListener("click", () => this.setShown(this.section.hidden));
    this.section.querySelector(".tp-transcript-close").addEventListener("click", () => {
      this.setShown(false);
      this.toggleButton.focus();
    });
    this.body.addEventListener("click", (event) => {
      const button = event.target.closest(".tp-cue-button");
      if (button) this.player.seek(Number(button.dataset.start));
    });
    this.body.addEventListener("keydown", (event) => this.onKey(event));
    this.body.addEventListener("focusin", (event) => this.makeTabStop(event.target));
    for (const name of ["wheel", "touchmove", "pointerdown"]) {
      this.body.addEventListener(name, () => { this.handsOffUntil = Date.now() + HANDS_OFF_MS; }, { passive: true });
    }
    this.search.addEventListener("input", () => this.find());
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.nextMatch();
      }
    });
    player.media.addEventListener("timeupdate", () => this.highlight());
    player.media.addEventListener("seeked", () => this.highlight());
  }

  get available() {
    return Boolean(this.section);
  }

  setShown(shown) {
    if (!this.section) return;
    this.section.hidden = !shown;
    this.toggleButton.setAttribute("aria-pressed", String(shown));
    this.player.root.classList.toggle("has-transcript", shown);
    this.player.prefs.transcript = shown;
    this.player.savePrefs();
    if (shown) this.highlight(true);
  }

  /** Shows the cues of the track with this <track> id (captions may be off meanwhile). */
  follow(trackId) {
    if (!this.section || trackId === this.trackId) return;
    const old = document.getElementById(this.trackId);
    if (old && this.trackId !== this.player.captions.selected) old.track.mode = "disabled";
    this.trackId = trackId;
    const element = document.getElementById(trackId);
    if (!element) return;
    if (element.track.mode === "disabled") element.track.mode = "hidden";
    this.body.lang = element.srclang;
    if (element.readyState === HTMLTrackElement.LOADED) this.build();
    else element.addEventListener("load", () => this.build(), { once: true });
  }

  /** Rebuilds the list from the cues (again when the chapters arrive). */
  build() {
    const element = document.getElementById(this.trackId);
    if (!this.section || !element?.track.cues) return;
    // Descriptions belong in a text alternative too (WCAG 1.2.8): in time order, marked.
    const described = this.player.descriptions?.transcriptCues() || [];
    this.cues = [...element.track.cues, ...described].sort((a, b) => a.startTime - b.startTime);
    this.described = new Set(described);
    const chapters = this.player.chapters?.cues || [];
    const parts = [];
    let list = null;
    let chapterIndex = 0;
    for (const cue of this.cues) {
      // A heading for each chapter that has started by this cue.
      while (chapterIndex < chapters.length && chapters[chapterIndex].startTime <= cue.startTime + 0.001) {
        const heading = document.createElement("h3");
        heading.className = "tp-chapter-heading";
        heading.textContent = chapters[chapterIndex].text;
        parts.push(heading);
        list = null;
        chapterIndex += 1;
      }
      if (!list) {
        list = document.createElement("ol");
        list.className = "tp-cues";
        parts.push(list);
      }
      list.append(this.cueItem(cue));
    }
    if (!this.cues.length) {
      const empty = document.createElement("p");
      empty.textContent = this.player.strings.player_transcript_empty;
      parts.push(empty);
    }
    this.body.replaceChildren(...parts);
    this.buttons = [...this.body.querySelectorAll(".tp-cue-button")];
    if (this.buttons[0]) this.buttons[0].tabIndex = 0;
    this.active = null;
    this.find();
    this.highlight(true);
  }

  cueItem(cue) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tp-cue-button";
    button.tabIndex = -1;
    button.dataset.start = String(cue.startTime);
    const time = document.createElement("span");
    time.className = "tp-cue-time";
    time.textContent = formatTime(cue.startTime);
    const text = document.createElement("span");
    text.className = "tp-cue-line";
    text.textContent = cue.getCueAsHTML().textContent.replace(/\s+/g, " ").trim();
    button.append(time, " ");
    if (this.described?.has(cue)) {
      item.className = "tp-cue-description";
      const label = document.createElement("span");
      label.className = "tp-cue-label";
      label.lang = this.player.config.lang;
      label.textContent = `${this.player.strings.player_transcript_description}: `;
      text.lang = cue.track.language;
      button.append(label);
    }
    button.append(text);
    item.append(button);
    return item;
  }

  /** Marks the cue being spoken and, unless the viewer is busy in the list, scrolls to it. */
  highlight(force = false) {
    if (!this.section || this.section.hidden || !this.buttons.length) return;
    const now = this.player.media.currentTime;
    let index = -1;
    for (let i = 0; i < this.cues.length && this.cues[i].startTime <= now; i += 1) {
      if (now < this.cues[i].endTime) index = i;
    }
    const button = this.buttons[index] || null;
    if (button === this.active && !force) return;
    this.active?.removeAttribute("aria-current");
    this.active = button;
    if (!button) return;
    button.setAttribute("aria-current", "true");
    const busy = this.body.contains(document.activeElement) || Date.now() < this.handsOffUntil;
    if (!busy || force) this.scrollTo(button);
  }

  scrollTo(button) {
    // Within the transcript only: the page itself stays where the viewer has it.
    const top = button.offsetTop - this.body.offsetTop;
    this.body.scrollTop = top - this.body.clientHeight / 3;
  }

  makeTabStop(button) {
    if (!button.classList?.contains("tp-cue-button")) return;
    for (const other of this.buttons) other.tabIndex = other === button ? 0 : -1;
  }

  onKey(event) {
    const index = this.buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const targets = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: this.buttons.length - 1,
    };
    if (!(event.key in targets)) return;
    event.preventDefault();
    event.stopPropagation();
    const target = this.buttons[Math.max(0, Math.min(this.buttons.length - 1, targets[event.key]))];
    target.focus();
  }

  /** Marks every cue that contains the search text, and says how many there are. */
  find() {
    const query = this.search.value.trim().toLocaleLowerCase();
    let count = 0;
    for (const button of this.buttons) {
      const line = button.querySelector(".tp-cue-line");
      const text = line.textContent;
      const at = query ? text.toLocaleLowerCase().indexOf(query) : -1;
      button.classList.toggle("is-match", at >= 0);
      if (at < 0) {
        line.replaceChildren(text);
        continue;
      }
      count += 1;
      const mark = document.createElement("mark");
      mark.textContent = text.slice(at, at + query.length);
      line.replaceChildren(text.slice(0, at), mark, text.slice(at + query.length));
    }
    const { strings } = this.player;
    this.status.textContent = !query
      ? ""
      : count === 0
        ? strings.player_transcript_no_match
        : count === 1
          ? strings.player_transcript_match
          : fill(strings.player_transcript_matches, { count });
  }

  /** Enter in the search field: on to the next matching cue. */
  nextMatch() {
    const matches = this.buttons.filter((button) => button.classList.contains("is-match"));
    if (!matches.length) return;
    const after = matches.find((button) => this.buttons.indexOf(button) > (this.lastMatch ?? -1));
    const target = after || matches[0];
    this.lastMatch = this.buttons.indexOf(target);
    for (const button of this.buttons) button.classList.toggle("is-current-match", button === target);
    this.makeTabStop(target);
    this.scrollTo(target);
    this.handsOffUntil = Date.now() + HANDS_OFF_MS;
  }
}
