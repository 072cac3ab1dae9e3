// The accessible player: native media element underneath, controls that are real buttons and
// sliders, captions drawn by the player, an interactive transcript, chapters, sign language
// in a synchronised window or a burned-in variant, and audio description spoken by the
// browser. Without JavaScript the page keeps the native controls and <track>s; this module
// takes over only when it runs.

import { applyCaptionStyle, Captions, CaptionStyleDialog } from "./captions.js";
import { Chapters } from "./chapters.js";
import { Descriptions } from "./descriptions.js";
import { MenuButton } from "./menu.js";
import { loadPrefs, savePrefs } from "./prefs.js";
import { SignLanguage } from "./sign.js";
import { Stage } from "./stage.js";
import { Streaming } from "./quality.js";
import { Transcript } from "./transcript.js";
import { clamp, fill, formatTime, listen, returnFocusOnClose } from "./util.js";
import { WindowControls } from "./window.js";

const SKIP_SECONDS = 5;
const PAGE_SECONDS = 30;
// Long enough to read a short sentence twice, short enough not to hide the picture for long.
const BRIEF_STATUS_MS = 4000;

export class Player {
  /** @param {HTMLElement} root the element with data-tolk-player */
  constructor(root) {
    this.root = root;
    this.config = JSON.parse(root.querySelector(".tp-config").textContent);
    this.strings = this.config.strings;
    this.media = root.querySelector(".tp-media");
    this.prefs = loadPrefs();
    this.numbers = new Intl.NumberFormat(this.config.lang, { maximumFractionDigits: 2 });
    const find = (selector) => root.querySelector(selector);
    this.ui = {
      controls: find(".tp-controls"),
      play: find(".tp-play"),
      seek: find(".tp-seek-input"),
      current: find(".tp-current"),
      duration: find(".tp-duration"),
      mute: find(".tp-mute"),
      volume: find(".tp-volume"),
      speed: find(".tp-speed"),
      help: find(".tp-help-button"),
      helpDialog: find(".tp-help-dialog"),
      fullscreen: find(".tp-fullscreen"),
      status: find(".tp-status"),
    };
    this.enhance();
  }

  savePrefs() {
    savePrefs(this.prefs);
  }

  enhance() {
    const { media, ui, root } = this;
    media.controls = false;
    // The player draws captions itself: the browser must never pick a track to show natively.
    for (const track of media.querySelectorAll("track[default]")) track.removeAttribute("default");
    ui.controls.hidden = false;
    root.classList.add("is-enhanced");
    this.stage = new Stage(this);
    this.streaming = new Streaming(this);  // HLS for the film and the sign window
    this.transcript = new Transcript(this);
    this.chapters = new Chapters(this);
    this.captions = new Captions(this);
    this.sign = new SignLanguage(this);
    this.descriptions = new Descriptions(this);
    this.styleDialog = new CaptionStyleDialog(this);
    this.windowControls = new WindowControls(this.stage);
    applyCaptionStyle(root, this.prefs.captionStyle);
    this.wireControls();
    this.wireMedia();
    root.addEventListener("keydown", (event) => this.onShortcut(event));
    // Escape hides the tooltips until the pointer or the focus moves on (WCAG 1.4.13).
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape") root.classList.add("is-tips-hidden");
    });
    for (const name of ["pointermove", "focusin"]) {
      root.addEventListener(name, () => root.classList.remove("is-tips-hidden"));
    }
    this.captions.restore();
    this.transcript.setShown(this.prefs.transcript && this.transcript.available);
    this.sign.restore();
    this.descriptions.restore();
    media.volume = clamp(this.prefs.volume, 0, 1);
    media.muted = this.prefs.muted;
    this.startAtLinkedTime();
    this.streaming.start();
    this.updatePlayState();
    this.updateTime();
    this.updateVolume();
    this.stage.update();
  }

  wireControls() {
    const { ui, media } = this;
    ui.play.addEventListener("click", () => this.togglePlay());
    ui.mute.addEventListener("click", () => { media.muted = !media.muted; });
    ui.volume.addEventListener("input", () => {
      media.volume = Number(ui.volume.value);
      media.muted = media.volume === 0;
    });
    ui.seek.addEventListener("input", () => this.seek(Number(ui.seek.value)));
    ui.seek.addEventListener("keydown", (event) => this.onSeekKey(event));
    this.speedMenu = new MenuButton(ui.speed, ui.speed.nextElementSibling, (item) => {
      this.setRate(Number(item.dataset.rate));
    });
    ui.help.addEventListener("click", () => ui.helpDialog.showModal());
    returnFocusOnClose(ui.helpDialog, ui.help);
    if (ui.fullscreen) {
      ui.fullscreen.hidden = !document.fullscreenEnabled;
      ui.fullscreen.addEventListener("click", () => this.toggleFullscreen());
      document.addEventListener("fullscreenchange", () => this.updateFullscreen());
    }
    // Pointer comforts on the picture itself; the buttons do the same for everyone else.
    media.addEventListener("click", () => {
      if (!this.stage.film.classList.contains("is-window")) this.togglePlay();
    });
    media.addEventListener("dblclick", () => this.toggleFullscreen());
  }

  wireMedia() {
    const { media } = this;
    listen(media, "play pause playing ended", () => this.updatePlayState());
    listen(media, "timeupdate durationchange seeking seeked loadedmetadata", () => this.updateTime());
    listen(media, "volumechange", () => this.updateVolume());
    listen(media, "ratechange", () => this.updateRate());
    listen(media, "loadedmetadata", () => {
      if (media.videoWidth && media.videoHeight) this.stage.setFilmAspect(media.videoWidth / media.videoHeight);
    });
  }

  /** A transcript link (?t=12.5) starts the film there. */
  startAtLinkedTime() {
    const start = Number(new URLSearchParams(window.location.search).get("t"));
    if (!(start > 0)) return;
    const go = () => this.seek(start);
    if (this.media.readyState >= HTMLMediaElement.HAVE_METADATA) go();
    else this.media.addEventListener("loadedmetadata", go, { once: true });
  }

  /** The film is paused by the player itself: waiting for the signer or a description. */
  get holding() {
    return Boolean(this.sign.sync?.holding) || this.descriptions.holding;
  }

  togglePlay() {
    if (this.media.paused && !this.holding) {
      this.media.play().catch(() => {});
    } else {
      this.sign.sync?.release(false);
      this.descriptions.interrupt();
      this.media.pause();
    }
  }

  seek(time) {
    const { duration } = this.media;
    this.media.currentTime = clamp(time, 0, Number.isFinite(duration) ? duration : time);
  }

  seekBy(seconds) {
    this.seek(this.media.currentTime + seconds);
  }

  setRate(rate) {
    const speeds = this.config.speeds;  // the speed menu's, from the server
    this.media.playbackRate = clamp(rate, speeds[0], speeds.at(-1));
  }

  stepRate(direction) {
    const speeds = this.config.speeds;
    const index = speeds.findIndex((speed) => speed >= this.media.playbackRate - 1e-6);
    this.setRate(speeds[clamp((index < 0 ? speeds.length - 1 : index) + direction, 0, speeds.length - 1)]);
  }

  toggleFullscreen() {
    if (!this.ui.fullscreen || !document.fullscreenEnabled) return;
    // The whole player goes full screen, not the video, so the interpreter and captions stay.
    if (document.fullscreenElement === this.root) document.exitFullscreen();
    else this.root.requestFullscreen().catch(() => {});
  }

  updateFullscreen() {
    const full = document.fullscreenElement === this.root;
    this.root.classList.toggle("is-fullscreen", full);
    this.ui.fullscreen.setAttribute(
      "aria-label", full ? this.strings.player_exit_fullscreen : this.strings.player_fullscreen,
    );
    this.stage.update();
  }

  updatePlayState() {
    const playing = !this.media.paused || this.holding;
    this.root.dataset.state = playing ? "playing" : "paused";
    this.ui.play.setAttribute("aria-label", playing ? this.strings.player_pause : this.strings.player_play);
  }

  updateTime() {
    const { media, ui } = this;
    const duration = Number.isFinite(media.duration) ? media.duration : 0;
    const now = media.currentTime;
    ui.current.textContent = formatTime(now);
    ui.duration.textContent = formatTime(duration);
    ui.seek.max = String(duration);
    ui.seek.value = String(now);
    ui.seek.style.setProperty("--tp-progress", duration ? `${(100 * now) / duration}%` : "0%");
    // A focused slider's text is read out on each change: while playing, only after a seek.
    const chatty = !media.paused && document.activeElement === ui.seek && !media.seeking;
    if (!chatty) {
      ui.seek.setAttribute(
        "aria-valuetext",
        fill(this.strings.player_time_of, { current: formatTime(now), total: formatTime(duration) }),
      );
    }
  }

  updateVolume() {
    const { media, ui } = this;
    const silent = media.muted || media.volume === 0;
    this.root.classList.toggle("is-muted", silent);
    ui.mute.setAttribute("aria-label", silent ? this.strings.player_unmute : this.strings.player_mute);
    ui.volume.value = String(media.muted ? 0 : media.volume);
    ui.volume.setAttribute("aria-valuetext", `${Math.round(100 * Number(ui.volume.value))} %`);
    ui.volume.style.setProperty("--tp-progress", `${100 * Number(ui.volume.value)}%`);
    this.prefs.volume = media.volume;
    this.prefs.muted = media.muted;
    this.savePrefs();
  }

  updateRate() {
    const rate = this.media.playbackRate;
    this.ui.speed.querySelector(".tp-speed-value").textContent = `${this.numbers.format(rate)}×`;
    this.speedMenu.check((item) => Math.abs(Number(item.dataset.rate) - rate) < 1e-6);
  }

  showWaiting(waiting) {
    this.announce(waiting ? this.strings.player_sign_waiting : "");
    this.root.classList.toggle("is-waiting", waiting);
    this.updatePlayState();
  }

  /** Says `text` in the status line; `brief` takes it away again after BRIEF_STATUS_MS. */
  announce(text, { brief = false } = {}) {
    clearTimeout(this.statusTimer);
    this.ui.status.textContent = text;
    if (brief && text) {
      this.statusTimer = setTimeout(() => {
        if (this.ui.status.textContent === text) this.ui.status.textContent = "";
      }, BRIEF_STATUS_MS);
    }
  }

  onSeekKey(event) {
    const { duration, currentTime } = this.media;
    const targets = {
      ArrowLeft: currentTime - SKIP_SECONDS,
      ArrowDown: currentTime - SKIP_SECONDS,
      ArrowRight: currentTime + SKIP_SECONDS,
      ArrowUp: currentTime + SKIP_SECONDS,
      PageDown: currentTime - PAGE_SECONDS,
      PageUp: currentTime + PAGE_SECONDS,
      Home: 0,
      End: duration,
    };
    if (!(event.key in targets)) return;
    event.preventDefault();
    event.stopPropagation();
    this.seek(targets[event.key]);
  }

  /**
   * Shortcuts, active only while focus is in the player (WCAG 2.1.4): a screen reader in
   * browse mode keeps its own single-key commands, since it takes those keys before the page.
   */
  onShortcut(event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    const target = event.target;
    if (target.closest("dialog, [role=menu], input[type=search], select, textarea")) return;
    const onSlider = target.matches("input[type=range]");
    const onButton = target.matches("button, a, summary, .tp-cue-button");
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const actions = {
      k: () => this.togglePlay(),
      " ": () => this.togglePlay(),
      j: () => this.seekBy(-SKIP_SECONDS),
      l: () => this.seekBy(SKIP_SECONDS),
      ArrowLeft: () => !onSlider && this.seekBy(-SKIP_SECONDS),
      ArrowRight: () => !onSlider && this.seekBy(SKIP_SECONDS),
      "<": () => this.stepRate(-1),
      ">": () => this.stepRate(1),
      m: () => { this.media.muted = !this.media.muted; },
      c: () => this.captions.hasTracks && this.captions.toggle(),
      t: () => this.transcript.available && this.transcript.setShown(this.transcript.section.hidden),
      s: () => this.sign.toggle(),
      d: () => this.descriptions.toggle(),
      f: () => this.toggleFullscreen(),
      "?": () => this.ui.helpDialog.showModal(),
    };
    const action = actions[key];
    if (!action) return;
    // Space and arrows keep their usual work on buttons and sliders.
    if ((key === " " && onButton) || (key.startsWith("Arrow") && onSlider)) return;
    event.preventDefault();
    action();
  }
}
