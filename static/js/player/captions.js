// Captions drawn by the player. The browser parses the WebVTT tracks; the tracks stay in mode
// "hidden" (cues loaded, nothing drawn natively) and the player draws the active cues itself,
// so the viewer's style applies and the stage can keep them clear of the interpreter.

import { CAPTION_STYLE_DEFAULTS } from "./prefs.js";
import { MenuButton } from "./menu.js";
import { returnFocusOnClose } from "./util.js";

const FONTS = {
  sans: 'system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
  serif: 'Georgia, "Times New Roman", "DejaVu Serif", serif',
  mono: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace',
  readable: 'Verdana, Tahoma, "DejaVu Sans", sans-serif',
};

/** "#rrggbb" and an opacity as an rgba() colour. */
function rgba(hex, opacity) {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${value >> 16}, ${(value >> 8) & 255}, ${value & 255}, ${opacity})`;
}

export class Captions {
  constructor(player) {
    this.player = player;
    this.media = player.media;
    this.layer = player.root.querySelector(".tp-captions");
    const button = player.root.querySelector(".tp-captions-button");
    this.choices = button ? [...button.parentElement.querySelectorAll("[data-track]")] : [];
    // The caption and subtitle tracks by their <track> element's id.
    this.tracks = new Map(
      this.choices.filter((item) => item.dataset.track).map((item) => {
        const element = document.getElementById(item.dataset.track);
        return [item.dataset.track, element];
      }),
    );
    this.selected = "";
    this.suppressed = false;  // a variant with captions in the picture is playing
    this.lastChosen = "";
    this.onCueChange = () => this.render();
    if (button) {
      this.menu = new MenuButton(button, button.nextElementSibling, (item) => this.choose(item.dataset.track));
    }
    this.media.addEventListener("seeked", this.onCueChange);
  }

  get hasTracks() {
    return this.tracks.size > 0;
  }

  /** The track id for a language, or for the page's language, or the first. */
  trackFor(language) {
    const ids = [...this.tracks.keys()];
    const byLanguage = (wanted) => ids.find((id) => this.tracks.get(id).srclang.split("-")[0] === wanted);
    return byLanguage(language) || byLanguage(this.player.config.lang) || ids[0] || "";
  }

  /** Starts with the viewer's stored choice, or captions in the page's language. */
  restore() {
    const stored = this.player.prefs.captionLanguage;
    if (stored === "") this.select("");
    else this.select(this.trackFor(typeof stored === "string" ? stored : this.player.config.lang));
    this.lastChosen = this.selected || this.trackFor(this.player.config.lang);
  }

  /** A viewer's choice from the menu or a shortcut: remembered. */
  choose(trackId) {
    this.select(trackId);
    if (trackId) this.lastChosen = trackId;
    this.player.prefs.captionLanguage = trackId ? this.tracks.get(trackId).srclang : "";
    this.player.savePrefs();
  }

  toggle() {
    this.choose(this.selected ? "" : this.lastChosen || this.trackFor(this.player.config.lang));
  }

  select(trackId) {
    const previous = this.tracks.get(this.selected)?.track;
    previous?.removeEventListener("cuechange", this.onCueChange);
    this.selected = this.tracks.has(trackId) ? trackId : "";
    for (const [id, element] of this.tracks) {
      // "hidden" loads the cues without the browser drawing them; the transcript may need
      // a track even while captions are off, so it decides about the others.
      if (id === this.selected) element.track.mode = "hidden";
      else if (id !== this.player.transcript?.trackId) element.track.mode = "disabled";
    }
    const current = this.tracks.get(this.selected);
    current?.track.addEventListener("cuechange", this.onCueChange);
    current?.addEventListener("load", this.onCueChange, { once: true });
    this.menu?.check((item) => item.dataset.track === this.selected);
    this.menu?.button.classList.toggle("is-on", Boolean(this.selected));
    this.layer.lang = current ? current.srclang : "";
    this.player.transcript?.follow(this.selected || this.trackFor(this.player.config.lang));
    this.render();
    // For the embed page's postMessage API.
    this.player.root.dispatchEvent(new Event("tp-captionschange"));
  }

  /** Hides the player's own captions while a variant with burned-in captions plays. */
  suppress(suppressed) {
    this.suppressed = suppressed;
    this.render();
  }

  render() {
    const track = this.tracks.get(this.selected)?.track;
    const cues = track && !this.suppressed ? [...(track.activeCues || [])] : [];
    this.layer.replaceChildren(
      ...cues.map((cue) => {
        const line = document.createElement("div");
        line.className = "tp-cue";
        const text = document.createElement("span");
        text.className = "tp-cue-text";
        text.append(cue.getCueAsHTML());  // a DocumentFragment: markup, never script
        line.append(text);
        return line;
      }),
    );
    this.layer.hidden = cues.length === 0;
  }
}

/** Writes a caption style as the CSS variables the captions and the preview use. */
export function applyCaptionStyle(root, style) {
  const merged = { ...CAPTION_STYLE_DEFAULTS, ...style };
  root.style.setProperty("--tp-caption-scale", String(merged.size));
  root.style.setProperty("--tp-caption-colour", merged.colour);
  root.style.setProperty("--tp-caption-background", rgba(merged.background, merged.opacity));
  root.style.setProperty("--tp-caption-font", FONTS[merged.font] || FONTS.sans);
}

/** The caption style dialog: each change shows at once, in the preview and on the film. */
export class CaptionStyleDialog {
  constructor(player) {
    this.player = player;
    this.button = player.root.querySelector(".tp-style-button");
    this.dialog = player.root.querySelector(".tp-style-dialog");
    if (!this.button || !this.dialog) return;
    this.form = this.dialog.querySelector("form");
    this.button.addEventListener("click", () => this.open());
    this.form.addEventListener("change", () => this.save(this.read()));
    this.dialog.querySelector(".tp-style-reset").addEventListener("click", () => {
      this.write(CAPTION_STYLE_DEFAULTS);
      this.save({ ...CAPTION_STYLE_DEFAULTS });
    });
    returnFocusOnClose(this.dialog, this.button);
    this.write(player.prefs.captionStyle);
  }

  open() {
    this.write(this.player.prefs.captionStyle);
    this.dialog.showModal();
  }

  read() {
    const data = new FormData(this.form);
    return {
      size: Number(data.get("size")),
      colour: data.get("colour"),
      background: data.get("background"),
      opacity: Number(data.get("opacity")),
      font: data.get("font"),
    };
  }

  write(style) {
    for (const [name, value] of Object.entries({ ...CAPTION_STYLE_DEFAULTS, ...style })) {
      const field = this.form.elements.namedItem(name);
      // Match numbers by value: the stored 1 is the option "1", 0.75 is "0.75".
      const option = [...field.options].find((o) => o.value === String(value) || Number(o.value) === value);
      if (option) field.value = option.value;
    }
  }

  save(style) {
    this.player.prefs.captionStyle = style;
    this.player.savePrefs();
    applyCaptionStyle(this.player.root, style);
  }
}
