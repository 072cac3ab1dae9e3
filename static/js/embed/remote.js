// What an embedding site may do to the player and see of it: the operations behind the embed
// URL's options and the postMessage commands, and the state sent with every event.

export class RemoteControl {
  /** @param {import("../player/player.js").Player} player */
  constructor(player) {
    this.player = player;
    this.media = player.media;
  }

  /** The player's state, as every event carries it. */
  state() {
    const { media, player } = this;
    const selected = player.captions.tracks.get(player.captions.selected);
    return {
      currentTime: media.currentTime,
      duration: Number.isFinite(media.duration) ? media.duration : null,
      paused: media.paused && !player.holding,
      ended: media.ended,
      muted: media.muted,
      captions: selected ? selected.srclang : null,
      captionLanguages: [...player.captions.tracks.values()].map((track) => track.srclang),
      sign: Boolean(player.sign.on),
      signAvailable: player.sign.available,
      descriptions: Boolean(player.descriptions.on),
      descriptionsExtended: player.descriptions.extended,
      descriptionsAvailable: player.descriptions.available,
      descriptionLanguage: player.descriptions.available ? player.descriptions.language : null,
      ...player.streaming.choice,
      qualities: player.streaming.heights,
    };
  }

  /** Resolves when playing; rejects as media.play() does (a browser's autoplay rules). */
  play() {
    if (!this.media.paused || this.player.holding) return Promise.resolve();
    return this.media.play();
  }

  pause() {
    if (!this.media.paused || this.player.holding) this.player.togglePlay();
  }

  /** False for a time that is not a number of seconds from 0. */
  seek(seconds) {
    const time = Number(seconds);
    if (typeof seconds !== "number" || !Number.isFinite(time) || time < 0) return false;
    this.player.seek(time);
    return true;
  }

  /** Captions in `language` ("sv", "en-GB": the closest track), or off for null, "" or "off". */
  setCaptions(language) {
    const { captions } = this.player;
    if (language === null || language === "" || language === "off") {
      captions.choose("");
      return true;
    }
    if (typeof language !== "string") return false;
    const wanted = language.toLowerCase();
    const tracks = [...captions.tracks];
    const found = tracks.find(([, track]) => track.srclang.toLowerCase() === wanted)
      || tracks.find(([, track]) => track.srclang.toLowerCase().split("-")[0] === wanted.split("-")[0]);
    if (!found) return false;
    captions.choose(found[0]);
    return true;
  }

  /** False where the item has no sign language. */
  setSign(on) {
    if (!this.player.sign.available || typeof on !== "boolean") return false;
    this.player.sign.setOn(on);
    return true;
  }

  /**
   * The picture's quality: "auto" (the player adapts to the network) or one of the heights on
   * offer. Null, with nothing changed, where there is no such choice; the host's choice is not
   * remembered as the viewer's.
   */
  setQuality(value) {
    const { streaming } = this.player;
    const heights = streaming.heights;
    if (!heights.length) return null;
    if (value !== "auto" && !heights.includes(value)) return false;
    streaming.choose(value === "auto" ? "auto" : String(value), { remember: false });
    return true;
  }

  /**
   * Audio description: "on" (spoken, the film plays on), "extended" (spoken, the film waiting
   * for each description), true (spoken, in the mode the viewer chose), false or "off". False
   * where the item has none or the value is not one of these.
   */
  setDescriptions(value) {
    const { descriptions } = this.player;
    // [on, extended], null keeping the mode as it is.
    const choices = {
      true: [true, null], on: [true, false], extended: [true, true], false: [false, null], off: [false, null],
    };
    const choice = (typeof value === "boolean" || typeof value === "string") && Object.hasOwn(choices, String(value))
      ? choices[String(value)] : null;
    if (!descriptions.available || !choice) return false;
    const [on, extended] = choice;
    if (extended !== null) descriptions.setExtended(extended);
    descriptions.setOn(on);
    return true;
  }

  /** The embed URL's options: ?start=, ?captions=, ?sign=, ?descriptions=, ?autoplay= (muted). */
  startWith({ start, captions, sign, descriptions, autoplay }) {
    if (captions) this.setCaptions(captions);
    if (typeof sign === "boolean") this.setSign(sign);
    if (descriptions) this.setDescriptions(descriptions);
    if (start > 0) this.seek(start);
    if (autoplay) this.autoplayMuted();
  }

  /** Browsers let a page play by itself only without sound. */
  autoplayMuted() {
    const { media, player } = this;
    if (!media.muted) {
      // The player remembers muting as the viewer's choice; this one was the host's.
      const remembered = player.prefs.muted;
      media.addEventListener("volumechange", () => {
        player.prefs.muted = remembered;
        player.savePrefs();
      }, { once: true });
      media.muted = true;
    }
    this.play().catch(() => {});
  }
}
