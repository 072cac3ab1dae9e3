// Adaptive streaming (HLS) for the film and the sign window, with progressive MP4 beneath.
//
// Which way a picture plays, best first:
// - hls.js (served by Tolk from static/vendor, loaded only when a ladder exists) wherever the
//   browser has Media Source Extensions: it adapts to the network and lets the viewer fix a
//   quality;
// - the browser's own HLS where there is no MSE, and always on iPhone and iPad (their
//   full-screen player then shows the ladder's WebVTT subtitle renditions); a fixed quality is
//   a master playlist of one rendition (?height=);
// - else, or when a ladder fails to load, the progressive MP4 the page gave (<source>), which
//   is also what plays without JavaScript.
//
// Captions stay Tolk's own (the <track>s): hls.js is built without its subtitle and cue
// controllers, so it never adds text tracks or clears theirs.

import { playsOneVideoAtATime } from "./sign.js";

const HLS_SCRIPT = "/static/vendor/node_modules/hls.js/dist/hls.min.js";
const HLS_TYPE = "application/vnd.apple.mpegurl";
const HLS_CONFIG = {
  // CSP allows scripts from Tolk only; hls.js's worker would be a blob: script.
  enableWorker: false,
  subtitleTrackController: null,
  subtitleStreamController: null,
  timelineController: null,
  capLevelToPlayerSize: false,
  // Start on the lowest rung and move up from what the segments' downloads measure. hls.js's
  // bandwidth test would fetch the lowest rung's first segment only to throw it away and fetch
  // it again (2.3 s more before the first frame on 1.5 Mbit/s); without the test, its own
  // first guess was the top rung (11 s for a 720p segment there).
  testBandwidth: false,
  startLevel: 0,
  // Bandwidth estimates with half-lives of 2 and 4 s of download time, not 3 and 9: on a fast
  // network a segment downloads in a fraction of a second, so with 9 s the estimate took
  // half a minute of playing to climb back after a poor patch, and the player stayed low.
  abrEwmaFastVoD: 2,
  abrEwmaSlowVoD: 4,
  // A forward buffer of 10 to 20 s, not hls.js's "as much as 60 MB holds": on a phone network
  // a viewer who stops watching has not fetched minutes they never see, and the choice of
  // rendition follows the network within seconds instead of after the buffer has drained.
  maxBufferLength: 10,
  maxMaxBufferLength: 20,
};

let hlsLoading = null;

/** hls.js's Hls class, loaded once as a classic script; null where it cannot run. */
export function loadHls() {
  if (window.Hls) return Promise.resolve(window.Hls.isSupported() ? window.Hls : null);
  hlsLoading ??= new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = HLS_SCRIPT;
    script.onload = () => resolve(window.Hls?.isSupported() ? window.Hls : null);
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
  return hlsLoading;
}

function prefersNative(media) {
  const native = media.canPlayType(HLS_TYPE) !== "";
  const mse = Boolean(window.ManagedMediaSource || window.MediaSource);
  return native && (!mse || playsOneVideoAtATime());
}

/** Keeps a media element's time, rate and play state across a change of its source. */
function keepMoment(media) {
  const moment = { time: media.currentTime, playing: !media.paused, rate: media.playbackRate };
  media.addEventListener("loadedmetadata", () => {
    if (moment.time > 0) media.currentTime = moment.time;
    media.playbackRate = moment.rate;
    if (moment.playing) media.play().catch(() => {});
  }, { once: true });
}

/** One media element playing one ladder; `onChange` is called when its rendition changes. */
export class LadderPlayback {
  constructor(media, url, { onChange = () => {}, fallbackUrl = null, config = {} } = {}) {
    this.media = media;
    this.url = url;
    this.onChange = onChange;
    this.fallbackUrl = fallbackUrl;  // null: the <source> the page gave
    this.config = { ...HLS_CONFIG, ...config };
    this.hls = null;
    this.mode = "progressive";
    this.fixedHeight = null;
  }

  /** Starts the ladder; resolves to the mode it plays in ("hls.js", "native" or "progressive"). */
  async start(fixedHeight = null) {
    const { media } = this;
    this.fixedHeight = fixedHeight;
    if (prefersNative(media)) {
      keepMoment(media);
      media.src = this.nativeUrl();
      this.mode = "native";
      media.addEventListener("resize", () => this.onChange(), { passive: true });
      return this.mode;
    }
    const Hls = await loadHls();
    if (!Hls) return this.mode;
    keepMoment(media);
    const hls = new Hls(this.config);
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      if (this.fixedHeight !== null) this.setHeight(this.fixedHeight);
      this.onChange();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, () => this.onChange());
    hls.on(Hls.Events.LEVEL_SWITCHING, () => this.onChange());
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) this.fallBack();
    });
    hls.loadSource(this.url);
    hls.attachMedia(media);
    this.mode = "hls.js";
    return this.mode;
  }

  nativeUrl() {
    return this.fixedHeight === null ? this.url : `${this.url}?height=${this.fixedHeight}`;
  }

  /** The heights on offer, largest first. */
  get heights() {
    if (!this.hls) return [];
    return [...new Set(this.hls.levels.map((level) => level.height))].sort((a, b) => b - a);
  }

  /** The height being fetched now (0 when unknown): where the adaptation is heading. */
  get loadingHeight() {
    if (this.hls) return this.hls.levels[this.hls.loadLevel]?.height ?? 0;
    return this.height;
  }

  /** The height playing now (0 when unknown). */
  get height() {
    if (this.hls) return this.hls.levels[this.hls.currentLevel]?.height ?? 0;
    return this.mode === "native" ? this.media.videoHeight : 0;
  }

  get automatic() {
    return this.fixedHeight === null;
  }

  /** A fixed height, or null for the automatic choice. */
  setHeight(height) {
    this.fixedHeight = height;
    if (this.hls) {
      const index = this.hls.levels.findIndex((level) => level.height === height);
      // currentLevel switches at once (the buffer ahead is fetched again at the new height).
      this.hls.currentLevel = height === null || index < 0 ? -1 : index;
      if (height === null) this.hls.nextLevel = -1;
    } else if (this.mode === "native") {
      keepMoment(this.media);
      this.media.src = this.nativeUrl();
    }
    this.onChange();
  }

  /**
   * Moves to the next lighter rendition at once, dropping the slow download under way, and
   * stays there until `adapt()`; false when there is none lighter (or no hls.js).
   */
  stepDown() {
    const { hls } = this;
    if (!hls || hls.levels.length < 2) return false;
    const levels = [hls.loadLevel, hls.currentLevel].filter((level) => level >= 0);
    const now = levels.length ? Math.min(...levels) : hls.levels.length - 1;
    if (now <= 0) return false;
    hls.nextLevel = now - 1;  // hls.js orders levels by bitrate, lightest first
    this.onChange();
    return true;
  }

  /** The automatic choice again (within the player's size), after a stepDown(). */
  adapt() {
    if (this.hls && !this.hls.autoLevelEnabled && this.fixedHeight === null) this.hls.loadLevel = -1;
  }

  /** Stops using the ladder (another source takes the element over). */
  detach() {
    this.hls?.destroy();
    this.hls = null;
    if (this.mode === "native") this.media.removeAttribute("src");
    this.mode = "progressive";
  }

  /** A ladder that cannot be played gives way to the progressive file. */
  fallBack() {
    const { media } = this;
    this.detach();
    keepMoment(media);
    if (this.fallbackUrl) {
      media.src = this.fallbackUrl;
    } else {
      media.removeAttribute("src");
      media.load();
    }
    this.onChange();
  }
}
