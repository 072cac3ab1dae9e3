// Sign language on and off. Where an interpreter recording exists it plays in its own
// synchronised window (see sync.js and stage.js); where only a burned-in signed variant
// exists, or the device plays one video at a time (iPhone, iPad), the button switches the
// film to that variant at the same moment, keeping its time, rate and play state.

import { SignerKey } from "./keying.js";
import { LAYOUTS } from "./layout.js";
import { MenuButton } from "./menu.js";
import { SignSync } from "./sync.js";

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
    });
    this.layoutWrap = player.root.querySelector(".tp-layout-wrap");
    const button = this.layoutWrap.querySelector(".tp-layout-button");
    this.layoutMenu = new MenuButton(button, button.nextElementSibling, (item) => {
      if (item.dataset.layout) this.setLayout(item.dataset.layout);
      else player.stage.adjust(item.dataset.window);
    });
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
    this.player.announce(on ? this.player.strings.player_signed_version : "");
  }
}
