// Chapters from a WebVTT chapters track: a menu that jumps to each, and marks on the seek bar.

import { MenuButton } from "./menu.js";
import { formatTime, listen } from "./util.js";

export class Chapters {
  constructor(player) {
    this.player = player;
    this.cues = [];
    const button = player.root.querySelector(".tp-chapters");
    if (!button) return;
    this.button = button;
    this.marks = player.root.querySelector(".tp-chapter-marks");
    this.menu = new MenuButton(button, button.nextElementSibling, (item) => {
      player.seek(Number(item.dataset.start));
    });
    const element = document.getElementById(button.dataset.track);
    element.track.mode = "hidden";  // loads the cues; chapters are never drawn as captions
    const ready = () => {
      this.cues = [...(element.track.cues || [])];
      this.build();
      player.transcript.build();
    };
    if (element.readyState === HTMLTrackElement.LOADED) ready();
    else element.addEventListener("load", ready, { once: true });
    player.media.addEventListener("durationchange", () => this.drawMarks());
    listen(player.media, "timeupdate seeked", () => this.markCurrent());
  }

  build() {
    const items = this.cues.map((cue) => {
      const item = document.createElement("li");
      item.setAttribute("role", "menuitemradio");
      item.setAttribute("aria-checked", "false");
      item.tabIndex = -1;
      item.dataset.start = String(cue.startTime);
      const time = document.createElement("span");
      time.className = "tp-menu-time";
      time.textContent = formatTime(cue.startTime);
      item.append(time, " ", cue.text);
      return item;
    });
    this.menu.menu.replaceChildren(...items);
    this.drawMarks();
    this.markCurrent();
  }

  drawMarks() {
    const duration = this.player.media.duration;
    if (!this.marks || !Number.isFinite(duration) || duration <= 0) return;
    this.marks.replaceChildren(
      ...this.cues.filter((cue) => cue.startTime > 0).map((cue) => {
        const mark = document.createElement("span");
        mark.className = "tp-chapter-mark";
        mark.style.left = `${(100 * cue.startTime) / duration}%`;
        mark.title = cue.text;
        return mark;
      }),
    );
  }

  current() {
    const now = this.player.media.currentTime;
    return this.cues.filter((cue) => cue.startTime <= now).at(-1) || null;
  }

  markCurrent() {
    if (!this.menu) return;
    const current = this.current();
    if (current === this.shown) return;
    this.shown = current;
    this.menu.check((item) => current && Number(item.dataset.start) === current.startTime);
    const name = this.player.strings.player_chapters;
    this.button.setAttribute("aria-label", current ? `${name}: ${current.text}` : name);
  }
}
