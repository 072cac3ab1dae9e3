// Sign language on and off. Where an interpreter recording exists it plays in its own
// synchronised window (see sync.js and stage.js); where only a burned-in signed variant
// exists, or the device plays one video at a time (iPhone, iPad), the button switches the
// film to that variant at the same moment, keeping its time, rate and play state.
//
// A signer that cannot keep up steps down its ladder at each stall (the film is held for it
// once, see sync.js); one that shows nothing for a few seconds, or cannot play at all, gets
// one message with a choice (sign_notice.js).

import { SignerKey } from "./keying.js";
import { LAYOUTS } from "./layout.js";
import { MenuButton } from "./menu.js";
import { SignNotice } from "./sign_notice.js";
import { SignSync } from "./sync.js";

// A stall within this long of a step down is the step itself settling in, not a reason for another.
const STEP_SETTLE_MS = 4000;
// After this long without a stall the signer's rendition is chosen automatically again.
const CALM_MS = 20000;

/** iOS and iPadOS let one video play at a time (an iPad says it is a Mac with touch). */
export function playsOneVideoAtATime() {
  const agent = navigator.userAgent;
  return /iPhone|iPod|iPad/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
}

export class SignLanguage {
  constructor(player) {
    this.player = player;
    this.on = false;
    this.button = player.root.querySelector(".tp-sign-button");
    if (!this.button) return;
    const { interpreter, signedVariant } = player.config;
    this.variant = signedVariant;
    this.mode = interpreter && !(signedVariant && playsOneVideoAtATime()) ? "window" : "variant";
    this.button.addEventListener("click", () => this.toggle());
    if (this.mode === "window") this.setUpWindow(interpreter);
  }

  get available() {
    return Boolean(this.button);
  }

  setUpWindow(interpreter) {
    const { player } = this;
    this.signer = player.root.querySelector(".tp-signer");
    const crop = interpreter.layout?.crop;
    if (crop) {
      // Show only the signing space the editor chose.
      const percent = (value) => `${(100 * value).toFixed(3)}%`;
      const right = 1 - crop.x - crop.width;
      const bottom = 1 - crop.y - crop.height;
      this.signer.style.objectViewBox = `inset(${percent(crop.y)} ${percent(right)} ${percent(bottom)} ${percent(crop.x)})`;
    }
    // Filmed on green: the window shows the signer keyed out of it (keying.js).
    this.keying = interpreter.key ? new SignerKey(this.signer, interpreter.key, crop ?? null) : null;
    this.sync = new SignSync(player.media, this.signer, {
      offset: Number(interpreter.offset) || 0,
      onHoldChange: (holding) => player.showWaiting(holding),
      onLag: () => this.onLag(),
      onStuck: (stuck) => (stuck ? this.notice.show("stuck") : this.notice.kind === "stuck" && this.notice.hide()),
    });
    this.notice = new SignNotice(player.root.querySelector(".tp-sign-notice"), player.strings, {
      wait: () => this.sync.waitForSigner(),
      without: () => this.setOn(false),
      signed: this.variant ? () => this.useSignedVariant() : null,
    });
    // A recording this browser cannot decode (after the ladder's own fallback to the file).
    this.signer.addEventListener("error", () => {
      if (this.on && this.mode === "window") this.notice.show("broken");
    });
    this.layoutWrap = player.root.querySelector(".tp-layout-wrap");
    const button = this.layoutWrap.querySelector(".tp-layout-button");
    this.layoutMenu = new MenuButton(button, button.nextElementSibling, (item) => {
      if (item.dataset.layout) this.setLayout(item.dataset.layout);
      else player.stage.adjust(item.dataset.window);
    });
  }

  /** The signer stalled while the film plays: a lighter rendition, at most one step at a time. */
  onLag() {
    const ladder = this.player.streaming.signer;
    const now = performance.now();
    clearTimeout(this.calmTimer);
    this.calmTimer = setTimeout(() => ladder?.adapt(), CALM_MS);
    if (!ladder || now - (this.steppedAt ?? -Infinity) < STEP_SETTLE_MS) return;
    if (ladder.stepDown()) this.steppedAt = now;
  }

  /** From the window to the version with the interpreter in the picture, for good. */
  useSignedVariant() {
    this.showWindow(false);
    this.mode = "variant";
    this.switchFilm(true);
    this.player.root.dispatchEvent(new Event("tp-signchange"));
  }

  restore() {
    if (this.available && this.player.prefs.sign) this.setOn(true);
  }

  toggle() {
    if (this.available) this.setOn(!this.on);
  }

  setOn(on) {
    if (on === this.on) return;
    this.on = on;
    this.button.setAttribute("aria-pressed", String(on));
    this.player.prefs.sign = on;
    this.player.savePrefs();
    if (this.mode === "window") this.showWindow(on);
    else this.switchFilm(on);
    // For the embed page's postMessage API.
    this.player.root.dispatchEvent(new Event("tp-signchange"));
  }

  showWindow(on) {
    const { player } = this;
    this.layoutWrap.hidden = !on;
    if (on) {
      if (!this.signerLoaded) {
        this.signerLoaded = true;
        this.signer.preload = "auto";
        player.streaming.playSigner(this.signer);  // its HLS ladder, else the recording
      }
      this.setLayout(player.prefs.signLayout);
      this.sync.start();
      this.keying?.start();
    } else {
      this.sync.stop();
      this.keying?.stop();
      this.notice.hide();
      player.stage.setLayout("off");
    }
  }

  setLayout(layout) {
    const chosen = LAYOUTS.includes(layout) ? layout : "over";
    this.player.prefs.signLayout = chosen;
    this.player.savePrefs();
    this.layoutMenu.check((item) => item.dataset.layout === chosen);
    this.player.stage.setLayout(chosen);
  }

  /** Plays the signed variant (or the film again) from the same moment. */
  switchFilm(on) {
    const { media, captions } = this.player;
    const moment = { time: media.currentTime, playing: !media.paused, rate: media.playbackRate };
    media.addEventListener("loadedmetadata", () => {
      media.currentTime = moment.time;
      media.playbackRate = moment.rate;  // loading a new source resets the rate
      if (moment.playing) media.play().catch(() => {});
    }, { once: true });
    if (on) {
      this.player.streaming.release();
      media.src = this.variant.url;
    } else {
      media.removeAttribute("src");  // back to the <source> the page gave
      media.load();
      this.player.streaming.resume();
    }
    captions.suppress(on && this.variant.captioned);
    // The player's own captions keep clear of the signer burned into the picture.
    this.player.stage.setBurnedInSigner(on ? this.variant.signerBox ?? null : null);
    // Said, and shown briefly: a box kept over the picture would hide it for the whole film.
    this.player.announce(on ? this.player.strings.player_signed_version : "", { brief: true });
  }
}
