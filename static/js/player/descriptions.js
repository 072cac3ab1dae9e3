// Audio description spoken by the browser (WCAG 1.2.5; 1.2.7 in extended mode). A track of kind
// "descriptions" stays in mode "hidden" (its cues load, nothing is drawn); each cue is spoken
// with the Web Speech API in the track's language as it starts, and written to a polite live
// region for screen-reader and braille users. In extended mode a description still being
// spoken when its cue ends holds the film until it has been said, as the extended described
// variant holds its picture, and the film plays on after it.

import { MenuButton } from "./menu.js";
import { clamp, fill } from "./util.js";

/** The browser's speech synthesis, or null where it has none. */
function synthesis() {
  const synth = window.speechSynthesis;
  return synth && typeof window.SpeechSynthesisUtterance === "function" ? synth : null;
}

const normalLanguage = (tag) => String(tag || "").toLowerCase().replace("_", "-");

export class Descriptions {
  constructor(player) {
    this.player = player;
    this.media = player.media;
    this.on = false;
    this.holding = false;  // the film is paused by us until a description has been said
    this.spoken = new Set();  // cues spoken, or being spoken, since the last seek
    this.pending = new Map();  // each utterance not yet ended, with its cue
    this.button = player.root.querySelector(".tp-descriptions-button");
    if (!this.button) return;
    this.element = this.chooseTrack([...this.media.querySelectorAll("track[kind=descriptions]")]);
    this.language = this.element.srclang;
    this.live = player.root.querySelector(".tp-descriptions-live");
    this.live.lang = this.language;
    this.note = player.root.querySelector(".tp-descriptions-note");
    this.settings = player.root.querySelector(".tp-descriptions-wrap");
    const settingsButton = this.settings.querySelector(".tp-descriptions-settings");
    this.menu = new MenuButton(settingsButton, settingsButton.nextElementSibling, (item) => this.chooseSetting(item));
    this.onCueChange = () => this.update();
    this.button.addEventListener("click", () => this.toggle());
    this.media.addEventListener("play", () => this.update());
    // The viewer paused: stop talking (our own hold keeps the description going).
    this.media.addEventListener("pause", () => { if (!this.holding) this.stopSpeaking(); });
    this.media.addEventListener("seeking", () => this.onSeeking());
    synthesis()?.addEventListener?.("voiceschanged", () => this.updateNote());
    this.showSettings();
    if (player.transcript?.available) {
      // The transcript shows the descriptions whether they are spoken or not: the cues load.
      this.element.track.mode = "hidden";
      this.element.addEventListener("load", () => player.transcript.build());
    }
  }

  /** The description cues for the transcript, once loaded. */
  transcriptCues() {
    return this.available && this.element.track.cues ? [...this.element.track.cues] : [];
  }

  get available() {
    return Boolean(this.button);
  }

  get extended() {
    return Boolean(this.player.prefs.descriptionsExtended);
  }

  /** The description track in the page's language, else in the film's, else the first. */
  chooseTrack(elements) {
    const base = (tag) => normalLanguage(tag).split("-")[0];
    const inLanguage = (wanted) => elements.find((element) => base(element.srclang) === base(wanted));
    return inLanguage(this.player.config.lang) || inLanguage(this.media.lang) || elements[0];
  }

  restore() {
    if (this.available && this.player.prefs.descriptions) this.setOn(true);
  }

  toggle() {
    if (this.available) this.setOn(!this.on);
  }

  setOn(on) {
    if (!this.available || on === this.on) return;
    this.on = on;
    this.button.setAttribute("aria-pressed", String(on));
    this.settings.hidden = !on;
    this.player.prefs.descriptions = on;
    this.player.savePrefs();
    const { track } = this.element;
    if (on) {
      track.mode = "hidden";  // cues load and fire cuechange; nothing is drawn
      track.addEventListener("cuechange", this.onCueChange);
      this.update();
    } else {
      track.removeEventListener("cuechange", this.onCueChange);
      if (!this.player.transcript?.available) track.mode = "disabled";
      this.stopSpeaking();
      this.release(true);
      this.spoken.clear();
      this.live.textContent = "";
    }
    this.updateNote();
    this.changed();
  }

  /** Extended mode on or off: the film waits for each description, or plays on. */
  setExtended(extended) {
    this.player.prefs.descriptionsExtended = extended;
    this.player.savePrefs();
    if (!extended) this.release(true);
    this.showSettings();
    this.changed();
  }

  changed() {
    // For the embed page's postMessage API.
    this.player.root.dispatchEvent(new Event("tp-descriptionschange"));
  }

  chooseSetting(item) {
    const { prefs } = this.player;
    if (item.dataset.mode) {
      this.setExtended(item.dataset.mode === "extended");
      return;
    }
    if (item.dataset.rate) prefs.descriptionRate = Number(item.dataset.rate);
    else if (item.dataset.option === "text") prefs.descriptionsText = !prefs.descriptionsText;
    this.player.savePrefs();
    this.showSettings();
  }

  showSettings() {
    const { prefs } = this.player;
    this.menu.check((item) => (item.dataset.mode
      ? (item.dataset.mode === "extended") === this.extended
      : Math.abs(Number(item.dataset.rate) - this.rate) < 1e-6));
    this.menu.menu.querySelector("[data-option=text]").setAttribute("aria-checked", String(prefs.descriptionsText));
  }

  /** The viewer's speech rate, within the rates the menu offers. */
  get rate() {
    const rates = this.player.config.descriptionRates;
    return clamp(Number(this.player.prefs.descriptionRate) || 1, rates[0], rates.at(-1));
  }

  /** Speaks the cues that have started; in extended mode holds the film for one that ended. */
  update() {
    if (!this.on) return;
    const active = new Set(this.element.track.activeCues || []);
    if (this.extended && !this.media.paused) {
      for (const cue of this.pending.values()) {
        if (!active.has(cue)) {
          this.hold();
          break;
        }
      }
    }
    if (this.media.paused) return;  // spoken when the film plays
    for (const cue of active) {
      if (!this.spoken.has(cue)) this.speak(cue);
    }
  }

  speak(cue) {
    this.spoken.add(cue);
    const text = cue.getCueAsHTML().textContent.replace(/\s+/g, " ").trim();  // no markup
    if (!text) return;
    const synth = synthesis();
    if (this.player.prefs.descriptionsText || !synth) {
      this.live.textContent = text;
    }
    if (!synth) return;
    const utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = this.language;
    utterance.rate = this.rate;
    const voice = this.voice();
    if (voice) utterance.voice = voice;
    const done = () => this.finished(utterance);
    utterance.onend = done;
    utterance.onerror = done;
    // Kept until it ends: Chromium forgets the events of an utterance nothing refers to.
    this.pending.set(utterance, cue);
    synth.speak(utterance);
  }

  finished(utterance) {
    if (!this.pending.delete(utterance)) return;  // cancelled: already forgotten
    if (this.holding && this.pending.size === 0) this.release(true);
  }

  hold() {
    this.holding = true;
    this.player.root.classList.add("is-describing");
    this.media.pause();
    this.player.announce(this.player.strings.player_descriptions_waiting);
    this.player.updatePlayState();
  }

  /** Ends a hold: the film plays on (`resume`) or stays paused (the viewer paused it). */
  release(resume) {
    if (!this.holding) return;
    this.holding = false;
    this.player.root.classList.remove("is-describing");
    this.player.announce("");
    if (resume) this.media.play().catch(() => {});
    this.player.updatePlayState();
  }

  /** The viewer paused during a hold: silence, and the film stays paused. */
  interrupt() {
    this.stopSpeaking();
    this.release(false);
  }

  stopSpeaking() {
    if (this.pending.size === 0) return;
    // Cues cut off while still running are spoken again when the film plays on.
    for (const cue of this.pending.values()) this.spoken.delete(cue);
    this.pending.clear();
    synthesis()?.cancel();
  }

  onSeeking() {
    if (!this.on) return;
    this.stopSpeaking();
    this.spoken.clear();  // seeking back describes the scene again
    this.live.textContent = "";
    this.release(true);  // a seek during a hold: the film goes on from the viewer's moment
  }

  /** A voice for the track's language: the exact tag, else the same language. */
  voice() {
    const voices = synthesis()?.getVoices() || [];
    const wanted = normalLanguage(this.language);
    const base = wanted.split("-")[0];
    return voices.find((voice) => normalLanguage(voice.lang) === wanted)
      || voices.find((voice) => normalLanguage(voice.lang).split("-")[0] === base)
      || null;
  }

  /** Says in the player when the browser cannot speak, or has no voice for the language. */
  updateNote() {
    const { strings } = this.player;
    const synth = synthesis();
    let text = "";
    if (this.on && !synth) {
      text = strings.player_descriptions_no_speech;
    } else if (this.on && synth.getVoices().length > 0 && !this.voice()) {
      // An empty list means the voices have not loaded yet: voiceschanged comes back here.
      text = fill(strings.player_descriptions_no_voice, { language: this.languageName() });
    }
    this.note.textContent = text;
    this.note.hidden = !text;
    if (text) this.button.setAttribute("aria-describedby", this.note.id);
    else this.button.removeAttribute("aria-describedby");
  }

  languageName() {
    try {
      return new Intl.DisplayNames([this.player.config.lang], { type: "language" }).of(this.language);
    } catch {
      return this.language;
    }
  }
}
