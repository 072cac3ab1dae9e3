// Lays out the stage (film, interpreter window, captions) with layout.js and keeps it so as
// the player's size, the layout or the window change.

import { computeLayout, defaultWindow, tidyWindow, MIN_SIZE, MAX_SIZE } from "./layout.js";
import { clamp } from "./util.js";

// How far one key press moves ("over": a tenth of the free room) or resizes the window.
const MOVE_STEP = 0.1;
const SIZE_STEP = 0.05;
// Captions are sized to the picture, as on television: this share of the stage's height.
const CAPTION_HEIGHT_SHARE = 0.05;

export class Stage {
  constructor(player) {
    this.player = player;
    this.root = player.root;
    this.main = player.root.querySelector(".tp-main");
    this.element = player.root.querySelector(".tp-stage");
    this.film = player.root.querySelector(".tp-film");
    this.sign = player.root.querySelector(".tp-sign");
    this.captions = player.root.querySelector(".tp-captions");
    this.controls = player.root.querySelector(".tp-controls");
    this.layout = "off";
    this.filmAspect = player.config.filmAspect || 16 / 9;
    const interpreter = player.config.interpreter;
    this.recordingLayout = interpreter?.layout || {};
    this.signAspect = (interpreter?.aspect || 8 / 9) * cropRatio(this.recordingLayout.crop);
    this.windowHelp = this.makeWindowHelp();
    new ResizeObserver(() => this.update()).observe(this.main);
    window.addEventListener("resize", () => this.update());
  }

  get isVideo() {
    return this.player.media instanceof HTMLVideoElement;
  }

  setLayout(layout) {
    this.layout = layout;
    this.update();
  }

  /** The signer burned into the picture playing ({x, y, width, height} of it), or null. */
  setBurnedInSigner(box) {
    this.burnedIn = box && box.width > 0 && box.height > 0 ? box : null;
    this.update();
  }

  setFilmAspect(aspect) {
    if (aspect > 0 && Math.abs(aspect - this.filmAspect) > 0.01) {
      this.filmAspect = aspect;
      this.update();
    }
  }

  /** The movable window of a layout: the viewer's, else the recording's own placement. */
  windowOf(layout) {
    const fallback = defaultWindow(layout, this.recordingLayout);
    return tidyWindow(this.player.prefs.windows[layout], fallback);
  }

  setWindow(window) {
    if (this.layout === "off") return;
    this.player.prefs.windows[this.layout] = tidyWindow(window, this.windowOf(this.layout));
    this.player.savePrefs();
    this.update();
  }

  /** Moves or resizes the window by a step: "left", "right", "up", "down", "larger", "smaller". */
  adjust(action) {
    if (this.layout === "off") return;
    const window = this.windowOf(this.layout);
    const side = this.layout !== "over";  // beside and large: left or right of the main picture
    const moves = {
      left: () => ({ x: side ? 0 : window.x - MOVE_STEP }),
      right: () => ({ x: side ? 1 : window.x + MOVE_STEP }),
      up: () => ({ y: window.y - (side ? 2.5 : 1) * MOVE_STEP }),
      down: () => ({ y: window.y + (side ? 2.5 : 1) * MOVE_STEP }),
      larger: () => ({ size: clamp(window.size + SIZE_STEP, MIN_SIZE, MAX_SIZE) }),
      smaller: () => ({ size: clamp(window.size - SIZE_STEP, MIN_SIZE, MAX_SIZE) }),
    };
    if (moves[action]) this.setWindow({ ...window, ...moves[action]() });
  }

  maxHeight() {
    const controls = this.controls.hidden ? 0 : this.controls.offsetHeight;
    // Full screen, or the embed page's iframe (data-fill-window): the picture fills the window.
    if (document.fullscreenElement === this.root || "fillWindow" in this.root.dataset) {
      return window.innerHeight - controls;
    }
    // Leave room for the controls and a little of the page around the player.
    return Math.max(180, window.innerHeight * 0.8 - controls);
  }

  update() {
    if (!this.isVideo) return;  // a song without a picture: CSS lays out captions and controls
    const width = this.main.clientWidth;
    if (!width) return;
    const window = this.layout === "off" ? null : this.windowOf(this.layout);
    const result = computeLayout({
      width,
      maxHeight: this.maxHeight(),
      filmAspect: this.filmAspect,
      signAspect: this.signAspect,
      layout: this.layout,
      window,
      burnedIn: this.burnedIn ?? null,
    });
    this.result = result;
    this.element.style.height = `${result.height}px`;
    place(this.film, result.film);
    if (this.sign) {
      this.sign.hidden = !result.sign;
      if (result.sign) place(this.sign, result.sign);
    }
    this.element.dataset.layout = this.layout;
    this.element.dataset.arrangement = result.arrangement;  // what the screen allowed
    const { captions } = result;
    Object.assign(this.captions.style, {
      left: `${captions.left}px`,
      width: `${captions.width}px`,
      bottom: `${captions.bottom}px`,
    });
    const fontSize = clamp(result.height * CAPTION_HEIGHT_SHARE, 14, 48);
    this.root.style.setProperty("--tp-caption-base", `${fontSize}px`);
    this.markWindow(result.window === "sign" ? this.sign : result.window === "film" ? this.film : null, window);
  }

  /** Gives the movable box its name, keyboard focus and handles; takes them from the other. */
  markWindow(box, window) {
    const { strings } = this.player;
    for (const candidate of [this.film, this.sign]) {
      if (!candidate) continue;
      const isWindow = candidate === box;
      candidate.classList.toggle("is-window", isWindow);
      if (!isWindow) {
        for (const name of ["tabindex", "role", "aria-label", "aria-roledescription", "aria-describedby"]) {
          candidate.removeAttribute(name);
        }
        continue;
      }
      candidate.tabIndex = 0;
      candidate.setAttribute("role", "group");
      candidate.setAttribute("aria-roledescription", strings.player_window_kind);
      candidate.setAttribute(
        "aria-label", candidate === this.sign ? strings.player_sign_window : strings.player_film_window,
      );
      candidate.setAttribute("aria-describedby", this.windowHelp.id);
      candidate.classList.toggle("is-right", window.x >= 0.5);
      candidate.classList.toggle("is-bottom", window.y >= 0.5);
    }
  }

  makeWindowHelp() {
    const help = document.createElement("p");
    help.className = "visually-hidden";
    help.id = `${this.root.id}-window-help`;
    help.textContent = this.player.strings.player_window_help;
    this.root.append(help);
    return help;
  }
}

function place(element, box) {
  Object.assign(element.style, {
    left: `${box.left}px`,
    top: `${box.top}px`,
    width: `${box.width}px`,
    height: `${box.height}px`,
  });
}

/** How the recording's crop to the signing space changes its width-to-height ratio. */
function cropRatio(crop) {
  if (!crop || !(crop.width > 0) || !(crop.height > 0)) return 1;
  return crop.width / crop.height;
}
