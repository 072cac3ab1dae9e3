// The player's adaptive streaming: the film and the sign window each play their own HLS
// ladder (streaming.js), and a quality menu ("Auto", then each height) lets the viewer fix
// the film's picture. The menu is a WAI-ARIA menu button like the speed menu; its button
// names the choice and, under "Auto", the height playing now, so a screen reader hears the
// state. The choice is remembered in localStorage.

import { MenuButton } from "./menu.js";
import { LadderPlayback } from "./streaming.js";
import { fill } from "./util.js";

const STORAGE_KEY = "tolk-quality";

function loadChoice() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    return Number.isInteger(stored) && stored > 0 ? stored : null;
  } catch {
    return null;
  }
}

function saveChoice(height) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(height));
  } catch {
    // Storage blocked: the choice lasts for this page.
  }
}

export class Streaming {
  /** @param {import("./player.js").Player} player */
  constructor(player) {
    this.player = player;
    this.config = player.config.hls;
    this.film = null;
    this.menu = null;
    this.signer = null;
    player.root.dataset.streaming = "progressive";
  }

  /** Starts the film's ladder, when it has one (the page's MP4 plays meanwhile and otherwise). */
  async start() {
    if (!this.config) return;
    const { media, root } = this.player;
    this.film ??= new LadderPlayback(media, this.config.url, { onChange: () => this.update() });
    if (!this.menu) this.buildMenu(this.config.heights);
    const wanted = loadChoice();
    const mode = await this.film.start(this.config.heights.includes(wanted) ? wanted : null);
    root.dataset.streaming = mode;
    this.menuWrap.hidden = mode === "progressive";
    this.update();
  }

  /** The sign window plays the recording's own ladder (adapting by itself), else its MP4. */
  playSigner(video) {
    const { interpreter } = this.player.config;
    if (!interpreter.hls) {
      video.src = interpreter.url;
      return;
    }
    // The signer's rendition follows the window's size as well as the network: a small
    // window on a phone has no use for the largest, and fetching it would starve the film.
    this.signer = new LadderPlayback(video, interpreter.hls, {
      fallbackUrl: interpreter.url,
      config: { capLevelToPlayerSize: true },
      onChange: () => this.updateSigner(),
    });
    this.signer.start().then((mode) => {
      this.player.root.dataset.signStreaming = mode;
      if (mode === "progressive" && interpreter.url) video.src = interpreter.url;
    });
  }

  /** The signer's rendition, for tests and the curious (data-sign-quality, data-sign-loading). */
  updateSigner() {
    const { signer, player } = this;
    if (!signer) return;
    player.root.dataset.signQuality = String(signer.height || "");
    player.root.dataset.signLoading = String(signer.loadingHeight || "");
  }

  /** Another file takes the film over (the burned-in signed variant) or gives it back. */
  release() {
    this.film?.detach();
    this.player.root.dataset.streaming = "progressive";
    if (this.menuWrap) this.menuWrap.hidden = true;
  }

  resume() {
    if (this.film) this.start();
  }

  buildMenu(heights) {
    const { player } = this;
    const { strings } = player;
    const id = `${player.root.id}-quality-menu`;
    const wrap = document.createElement("div");
    wrap.className = "tp-menu-wrap tp-quality-wrap";
    wrap.hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tp-button tp-menu-button tp-quality";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    // The name is the words read out; the visible part is in it (WCAG 2.5.3).
    const prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    const shown = document.createElement("span");
    shown.className = "tp-quality-value";
    const suffix = document.createElement("span");
    suffix.className = "visually-hidden";
    button.append(prefix, shown, suffix);
    const list = document.createElement("ul");
    list.className = "tp-menu";
    list.id = id;
    list.setAttribute("role", "menu");
    list.setAttribute("aria-label", strings.player_quality);
    list.hidden = true;
    for (const height of [null, ...heights]) {
      const item = document.createElement("li");
      item.setAttribute("role", "menuitemradio");
      item.tabIndex = -1;
      item.setAttribute("aria-checked", "false");
      item.dataset.height = height === null ? "auto" : String(height);
      item.textContent = height === null ? strings.player_quality_auto : `${height}p`;
      list.append(item);
    }
    wrap.append(button, list);
    player.root.querySelector(".tp-help-button").before(wrap);
    this.menuWrap = wrap;
    this.button = button;
    this.label = { prefix, shown, suffix };
    this.menu = new MenuButton(button, list, (item) => this.choose(item.dataset.height));
  }

  /** The viewer's choice from the menu ("auto" or a height), remembered for next time. */
  choose(value, { remember = true } = {}) {
    const height = value === "auto" ? null : Number(value);
    if (remember) saveChoice(height);
    this.film?.setHeight(height);
  }

  /** The heights a viewer can choose, largest first ([] while the progressive file plays). */
  get heights() {
    if (!this.film || this.player.root.dataset.streaming === "progressive") return [];
    const offered = this.film.heights;
    return offered.length ? offered : [...this.config.heights];
  }

  /** The choice and what plays: {quality: "auto" or a height, height: playing now or null}. */
  get choice() {
    const { film } = this;
    return {
      quality: !film || film.automatic ? "auto" : film.fixedHeight,
      height: film?.height || null,
    };
  }

  update() {
    const { film, player } = this;
    if (!film || !this.menu) return;
    const { strings } = player;
    const now = film.height;
    if (now) player.root.dataset.quality = String(now);
    else delete player.root.dataset.quality;
    // Where the adaptation is heading (the rendition being fetched), for tests and the curious.
    player.root.dataset.loadingQuality = String(film.loadingHeight || "");
    const automatic = film.automatic;
    const shown = automatic ? strings.player_quality_auto : `${film.fixedHeight}p`;
    const quality = automatic && now ? fill(strings.player_quality_auto_now, { height: now }) : shown;
    const [before, after] = fill(strings.player_quality_now, { quality: "\u0000" }).split("\u0000");
    const spoken = quality.split(shown);
    this.label.prefix.textContent = before + (spoken[0] ?? "");
    this.label.shown.textContent = shown;
    this.label.suffix.textContent = (spoken.slice(1).join(shown) ?? "") + after;
    this.menu.check((item) =>
      automatic ? item.dataset.height === "auto" : Number(item.dataset.height) === film.fixedHeight,
    );
    // Said once per change of the choice or of the height playing (the embed API hears it).
    const said = `${shown} ${now}`;
    if (said !== this.lastSaid) {
      this.lastSaid = said;
      player.root.dispatchEvent(new Event("tp-qualitychange"));
    }
  }
}
