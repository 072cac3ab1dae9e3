/*
 * tolk-embed.js: control a Tolk player embedded in an iframe on your page, and hear from it.
 *
 * A classic script, not a module, so any page can load it from the Tolk site without CORS:
 *
 *   <iframe id="film" src="https://tolk.example/embed/12" title="Media player: Örebro"
 *     width="640" height="444" allow="autoplay; fullscreen" allowfullscreen></iframe>
 *   <script src="https://tolk.example/static/js/embed/tolk-embed.js"></script>
 *   <script>
 *     const player = new TolkEmbed(document.getElementById("film"));
 *     player.on("ready", (state) => console.log("captions in", state.captionLanguages));
 *     player.on("timeupdate", (state) => console.log(state.currentTime, "of", state.duration));
 *     player.play();                // also: pause(), seek(12.5)
 *     player.setCaptions("en");     // a language, or "off"
 *     player.setSign(true);         // the sign-language interpreter on or off
 *     player.setDescriptions("on"); // audio description: "on", "extended" or "off" (or true/false)
 *     player.setQuality(360);       // a height of state.qualities, or "auto"
 *   </script>
 *
 * Commands sent before the player is ready wait for it. Events: "ready", "play", "pause",
 * "seeked", "timeupdate" (at most 4 a second), "ended", "captionschange", "signchange",
 * "descriptionschange", "qualitychange" and "error" (a refused command; the handler's second
 * argument has `command` and `message`). Every handler gets the player's state: {currentTime,
 * duration, paused, ended, muted, captions, captionLanguages, sign, signAvailable,
 * descriptions, descriptionsExtended, descriptionsAvailable, descriptionLanguage, quality
 * ("auto" or the height chosen), height (the height playing, or null), qualities (the heights
 * on offer, largest first; [] where the film plays in one quality)}; `player.state` keeps the
 * latest. In extended mode `paused` stays false while the film waits for a description.
 *
 * Messages are only taken from the iframe's own window at the player's origin (that of the
 * iframe's src), and commands are sent to that origin only. The player, for its part, answers
 * only the page that frames it, and only if the Tolk site allows that page to frame it.
 */
(function () {
  "use strict";

  class TolkEmbed {
    /** @param {HTMLIFrameElement} iframe an iframe showing a Tolk /embed/{id} page */
    constructor(iframe) {
      this.iframe = iframe;
      this.origin = new URL(iframe.src, window.location.href).origin;
      this.state = null;
      this.ready = false;
      this.waiting = [];
      this.handlers = new Map();
      window.addEventListener("message", (event) => this.receive(event));
      // Says hello now and on every load: the player answers "ready" once it hears it.
      iframe.addEventListener("load", () => this.post("hello"));
      this.post("hello");
    }

    /** Calls `handler(state, message)` on each `event`; returns a function that stops it. */
    on(event, handler) {
      if (!this.handlers.has(event)) this.handlers.set(event, new Set());
      this.handlers.get(event).add(handler);
      return () => this.handlers.get(event).delete(handler);
    }

    play() { this.command("play"); }

    pause() { this.command("pause"); }

    /** @param {number} seconds */
    seek(seconds) { this.command("seek", seconds); }

    /** @param {string} language "sv", "en" … or "off" */
    setCaptions(language) { this.command("captions", language); }

    /** @param {boolean} on */
    setSign(on) { this.command("sign", on); }

    /** @param {boolean | "on" | "off" | "extended"} value "extended": the film waits for each description */
    setDescriptions(value) { this.command("descriptions", value); }

    /** @param {number|"auto"} height a height of `state.qualities`, or "auto" */
    setQuality(height) { this.command("quality", height); }

    command(name, value) {
      if (this.ready) this.post(name, value);
      else this.waiting.push([name, value]);
    }

    post(command, value) {
      const target = this.iframe.contentWindow;
      // A window not (yet) at the player's origin drops the message: nothing leaks.
      if (target) target.postMessage({ tolk: "command", command, value }, this.origin);
    }

    receive(event) {
      if (event.origin !== this.origin || event.source !== this.iframe.contentWindow) return;
      const message = event.data;
      if (!message || message.tolk !== "event" || typeof message.event !== "string") return;
      this.state = message.state;
      if (message.event === "ready") {
        if (this.ready) return;  // an answer to a later hello: "ready" is said once
        this.ready = true;
        for (const [name, value] of this.waiting.splice(0)) this.post(name, value);
      }
      for (const handler of this.handlers.get(message.event) || []) handler(message.state, message);
    }
  }

  window.TolkEmbed = TolkEmbed;
})();
