// The embed page's postMessage API: commands from the page that frames the player, events back
// to it. The protocol (see tolk-embed.js for the host side):
//
//   to the player:   {tolk: "command", command, value}
//     command: "hello" (answered with "ready"), "play", "pause", "seek" (value: seconds),
//              "captions" (value: a language such as "sv", or "off"), "sign" (value: true/false),
//              "descriptions" (value: true or "on", "extended", false or "off"),
//              "quality" (value: "auto" or a height of `qualities`, such as 360)
//   from the player: {tolk: "event", event, state, command?, message?}
//     event:   "ready", "play", "pause", "seeked", "timeupdate" (at most 4 a second), "ended",
//              "captionschange", "signchange", "descriptionschange", "qualitychange" (the
//              choice, or the height playing, changed), "error" (a command refused: command,
//              message)
//     state:   {currentTime, duration, paused, ended, muted, captions, captionLanguages, sign,
//              signAvailable, descriptions, descriptionsExtended, descriptionsAvailable,
//              descriptionLanguage, quality ("auto" or the height chosen), height (playing
//              now, or null), qualities (the heights on offer, largest first; [] without HLS)}
//
// Who may talk to it: only the window that frames it (event.source is window.parent), from an
// origin the frame-ancestors setting allows; events go only to that origin, never to "*".

import { originAllowed } from "./origins.js";

const TIME_INTERVAL_MS = 250;  // timeupdate at most 4 times a second
const MEDIA_EVENTS = { play: "play", pause: "pause", seeked: "seeked", ended: "ended" };

export class EmbedBridge {
  /**
   * @param {import("./remote.js").RemoteControl} remote
   * @param {string[]} frameAncestors the CSP source expressions of the setting
   */
  constructor(remote, frameAncestors) {
    this.remote = remote;
    this.allowed = (origin) => originAllowed(origin, frameAncestors, window.location.origin);
    this.parentOrigin = this.knownParentOrigin();
    this.lastTimeSent = -Infinity;
    this.timeTimer = 0;
  }

  /** Starts listening and says "ready"; does nothing when the page is not in a frame. */
  start() {
    if (window.parent === window) return;
    window.addEventListener("message", (event) => this.receive(event));
    const { media, player } = this.remote;
    for (const [name, event] of Object.entries(MEDIA_EVENTS)) {
      media.addEventListener(name, () => this.send(event));
    }
    media.addEventListener("timeupdate", () => this.scheduleTime());
    player.root.addEventListener("tp-captionschange", () => this.send("captionschange"));
    player.root.addEventListener("tp-signchange", () => this.send("signchange"));
    player.root.addEventListener("tp-descriptionschange", () => this.send("descriptionschange"));
    player.root.addEventListener("tp-qualitychange", () => this.send("qualitychange"));
    this.send("ready");
  }

  /**
   * The parent's origin where the browser says it (ancestorOrigins), else where the referrer
   * suggests it; a message from the parent settles it for browsers that say neither.
   */
  knownParentOrigin() {
    const ancestors = window.location.ancestorOrigins;
    let origin = ancestors && ancestors.length ? ancestors[0] : null;
    if (!origin && document.referrer) {
      try {
        origin = new URL(document.referrer).origin;
      } catch {
        origin = null;
      }
    }
    return origin && this.allowed(origin) ? origin : null;
  }

  receive(event) {
    if (event.source !== window.parent || !this.allowed(event.origin)) return;
    const message = event.data;
    if (!message || typeof message !== "object" || message.tolk !== "command") return;
    this.parentOrigin = event.origin;  // the parent itself sent it: its origin is now known
    this.run(String(message.command), message.value);
  }

  run(command, value) {
    const { remote } = this;
    const refuse = (message) => this.send("error", { command, message });
    switch (command) {
      case "hello":
        this.send("ready");
        break;
      case "play":
        remote.play().catch((error) => refuse(`the browser did not let the player start: ${error.name}`));
        break;
      case "pause":
        remote.pause();
        break;
      case "seek":
        if (!remote.seek(value)) refuse("seek needs a number of seconds from 0");
        break;
      case "captions":
        if (!remote.setCaptions(value)) refuse(`no captions in ${JSON.stringify(value)}`);
        break;
      case "sign":
        if (!remote.setSign(value)) {
          refuse(remote.player.sign.available ? "sign needs true or false" : "this item has no sign language");
        }
        break;
      case "descriptions":
        if (!remote.setDescriptions(value)) {
          refuse(remote.player.descriptions.available
            ? 'descriptions needs true, false, "on", "off" or "extended"'
            : "this item has no audio description");
        }
        break;
      case "quality": {
        const done = remote.setQuality(value);
        if (done === null) refuse("this item plays in one quality only");
        else if (!done) {
          const offered = ["auto", ...remote.player.streaming.heights].join(", ");
          refuse(`no quality ${JSON.stringify(value)}: choose one of ${offered}`);
        }
        break;
      }
      default:
        refuse(`unknown command ${JSON.stringify(command)}`);
    }
  }

  /** A timeupdate now, or as soon as 250 ms have passed since the last one. */
  scheduleTime() {
    if (this.timeTimer) return;
    const wait = Math.max(0, this.lastTimeSent + TIME_INTERVAL_MS - performance.now());
    this.timeTimer = setTimeout(() => {
      this.timeTimer = 0;
      this.lastTimeSent = performance.now();
      this.send("timeupdate");
    }, wait);
  }

  send(event, details = {}) {
    if (!this.parentOrigin) return;  // not known yet: the host's "hello" will tell
    const message = { tolk: "event", event, state: this.remote.state(), ...details };
    window.parent.postMessage(message, this.parentOrigin);
  }
}
