// Keeps the interpreter recording in step with the film.
//
// The film leads. The signer follows play, pause, seeks and rate changes, and a check every
// quarter second corrects drift: within MAX_DRIFT the signer's rate is nudged so it catches up
// smoothly; beyond it the signer is re-seeked. The recording starts `offset` seconds into the
// film (negative: its first seconds are skipped), so the signer's time is film time - offset.
//
// Buffering, both ways:
// - the signer waits while the film buffers (the film's waiting/stalled until playing);
// - the film waits for a buffering signer once (again after each seek by the viewer), for at
//   most HOLD_LIMIT_MS. A viewer who turned sign language on follows the signer as closely
//   as the sound, so a short wait is worth it; but holding the film at every stall of a slow
//   network made it stop and start a dozen times in twenty seconds. After that one hold the
//   film plays on, and each stall of the signer is reported (`onLag`) so that the player can
//   move it to a lighter rendition; the drift check re-seeks it once it can play.
// - a signer that shows nothing new for STUCK_AFTER_MS while the film plays is reported once
//   (`onStuck(true)`), and again (`onStuck(false)`) when it plays on; the viewer may then
//   choose to wait for it (`waitForSigner`), which holds the film until it plays.

import { clamp, listen } from "./util.js";

export const MAX_DRIFT = 0.3;
const NUDGE_FROM = 0.04;
const CHECK_EVERY_MS = 250;
const HOLD_LIMIT_MS = 3000;
export const STUCK_AFTER_MS = 3000;

export class SignSync {
  /**
   * @param {HTMLMediaElement} film
   * @param {HTMLVideoElement} signer
   * @param {{offset?: number, onHoldChange?: (holding: boolean) => void,
   *   onLag?: () => void, onStuck?: (stuck: boolean) => void}} options
   */
  constructor(film, signer, { offset = 0, onHoldChange = () => {}, onLag = () => {}, onStuck = () => {} } = {}) {
    this.film = film;
    this.signer = signer;
    this.offset = offset;
    this.onHoldChange = onHoldChange;
    this.onLag = onLag;
    this.onStuck = onStuck;
    this.holding = false;
    this.holds = 0;  // times the film was held for the signer, for tests and curious viewers
    this.holdsLeft = 1;
    this.stuck = false;
    this.stuckFor = 0;
    this.lastSignerTime = -1;
    this.filmBuffering = false;
    this.corrections = 0;  // re-seeks for drift, for tests and curious viewers
    this.stopListening = [];
  }

  start() {
    const { film, signer } = this;
    this.stopListening = [
      listen(film, "play playing", () => { this.filmBuffering = false; this.follow(); }),
      listen(film, "pause ended", () => this.onFilmPause()),
      listen(film, "seeking seeked", () => { this.holdsLeft = 1; this.align(); this.follow(); }),
      listen(film, "ratechange", () => { signer.playbackRate = film.playbackRate; }),
      listen(film, "waiting stalled", () => this.onFilmWaiting()),
      listen(signer, "waiting", () => this.onSignerWaiting()),
      listen(signer, "playing canplaythrough", () => this.release(true)),
    ];
    signer.playbackRate = film.playbackRate;
    this.holdsLeft = 1;
    this.align();
    this.follow();
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  stop() {
    this.stopListening.forEach((remove) => remove());
    this.stopListening = [];
    clearInterval(this.timer);
    this.release(false);
    this.setStuck(false);
    this.signer.pause();
  }

  /** Where the signer should be now, in the recording's own time. */
  target() {
    return this.film.currentTime - this.offset;
  }

  /** Seconds the signer is ahead of (+) or behind (-) where it should be. */
  drift() {
    const duration = this.signer.duration || Infinity;
    return this.signer.currentTime - clamp(this.target(), 0, duration);
  }

  align() {
    const duration = this.signer.duration || Infinity;
    this.signer.currentTime = clamp(this.target(), 0, duration);
  }

  /** Play the signer when the film plays and the recording has something to show. */
  follow() {
    const { film, signer } = this;
    const target = this.target();
    const shows = target >= 0 && target < (signer.duration || Infinity);
    const shouldPlay = !film.paused && !film.seeking && !this.filmBuffering && shows;
    if (shouldPlay && signer.paused) {
      if (Math.abs(this.drift()) > MAX_DRIFT) this.align();
      signer.play().catch(() => {});  // a refused play shows up as drift and is retried
    } else if (!shouldPlay && !signer.paused && !this.holding) {
      signer.pause();
    }
  }

  onFilmPause() {
    if (this.holding) return;  // we paused the film ourselves to wait for the signer
    this.signer.pause();
    this.align();
  }

  onFilmWaiting() {
    if (this.holding) return;
    this.filmBuffering = true;
    this.signer.pause();
  }

  onSignerWaiting() {
    const { film } = this;
    if (film.paused || film.seeking || this.filmBuffering || this.holding) return;
    this.onLag();
    if (this.holdsLeft <= 0) return;  // the film plays on; the drift check catches up
    this.holdsLeft -= 1;
    this.hold(HOLD_LIMIT_MS);
  }

  /** Pauses the film until the signer plays, or for at most `limit` ms (null: no limit). */
  hold(limit) {
    this.holding = true;
    this.holds += 1;
    this.film.pause();
    this.onHoldChange(true);
    clearTimeout(this.holdTimer);
    if (limit !== null) this.holdTimer = setTimeout(() => this.release(true), limit);
  }

  /** The viewer's choice while the signer is stuck: the film waits for it, without a limit. */
  waitForSigner() {
    if (this.holding) return;
    this.align();  // it picks up where the film is, not where it froze
    this.signer.play().catch(() => {});
    this.hold(null);
  }

  /** Ends a hold; `resume` plays the film again (false when the viewer paused meanwhile). */
  release(resume) {
    if (!this.holding) return;
    this.holding = false;
    clearTimeout(this.holdTimer);
    this.onHoldChange(false);
    if (resume) this.film.play().catch(() => {});
  }

  /** Whether the signer shows nothing new while it should (a broken or very slow network). */
  watchProgress() {
    const { film, signer } = this;
    const target = this.target();
    const shouldMove = !film.paused && !film.seeking && !this.filmBuffering && target >= 0
      && target < (signer.duration || Infinity);
    const moved = signer.currentTime !== this.lastSignerTime && !signer.seeking;
    this.lastSignerTime = signer.currentTime;
    if (moved && signer.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA) {
      this.stuckFor = 0;
      this.setStuck(false);
    } else if (shouldMove) {
      this.stuckFor += CHECK_EVERY_MS;
      if (this.stuckFor >= STUCK_AFTER_MS) this.setStuck(true);
    }
  }

  setStuck(stuck) {
    if (stuck === this.stuck) return;
    this.stuck = stuck;
    if (!stuck) this.stuckFor = 0;
    this.onStuck(stuck);
  }

  check() {
    const { film, signer } = this;
    this.watchProgress();
    if (signer.seeking || film.seeking) return;
    const drift = this.drift();
    if (film.paused || this.filmBuffering) {
      if (!this.holding && Math.abs(drift) > NUDGE_FROM) this.align();
      return;
    }
    if (Math.abs(drift) > MAX_DRIFT) {
      this.corrections += 1;
      this.align();
    } else {
      // Close a small gap over about a second instead of jumping.
      const nudge = Math.abs(drift) > NUDGE_FROM ? drift : 0;
      signer.playbackRate = clamp(film.playbackRate * (1 - nudge), 0.25, 4);
    }
    this.follow();
  }
}
