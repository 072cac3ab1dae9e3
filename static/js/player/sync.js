// Keeps the interpreter recording in step with the film.
//
// The film leads. The signer follows play, pause, seeks and rate changes, and a check every
// quarter second corrects drift: within MAX_DRIFT the signer's rate is nudged so it catches up
// smoothly; beyond it the signer is re-seeked. The recording starts `offset` seconds into the
// film (negative: its first seconds are skipped), so the signer's time is film time - offset.
//
// Buffering, both ways:
// - the signer waits while the film buffers (the film's waiting/stalled until playing);
// - the film waits while the signer buffers, for at most HOLD_LIMIT_MS. A viewer who turned
//   sign language on follows the signer as closely as the sound, so running on without it
//   would lose the interpretation; but a signer that does not come back (a broken network)
//   must not stop the film for good, so after the limit the film plays on and the drift
//   check re-seeks the signer once it can play.

import { clamp, listen } from "./util.js";

export const MAX_DRIFT = 0.3;
const NUDGE_FROM = 0.04;
const CHECK_EVERY_MS = 250;
const HOLD_LIMIT_MS = 3000;

export class SignSync {
  /**
   * @param {HTMLMediaElement} film
   * @param {HTMLVideoElement} signer
   * @param {{offset?: number, onHoldChange?: (holding: boolean) => void}} options
   */
  constructor(film, signer, { offset = 0, onHoldChange = () => {} } = {}) {
    this.film = film;
    this.signer = signer;
    this.offset = offset;
    this.onHoldChange = onHoldChange;
    this.holding = false;
    this.filmBuffering = false;
    this.corrections = 0;  // re-seeks for drift, for tests and curious viewers
    this.stopListening = [];
  }

  start() {
    const { film, signer } = this;
    this.stopListening = [
      listen(film, "play playing", () => { this.filmBuffering = false; this.follow(); }),
      listen(film, "pause ended", () => this.onFilmPause()),
      listen(film, "seeking seeked", () => { this.align(); this.follow(); }),
      listen(film, "ratechange", () => { signer.playbackRate = film.playbackRate; }),
      listen(film, "waiting stalled", () => this.onFilmWaiting()),
      listen(signer, "waiting", () => this.onSignerWaiting()),
      listen(signer, "playing canplaythrough", () => this.release(true)),
    ];
    signer.playbackRate = film.playbackRate;
    this.align();
    this.follow();
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  stop() {
    this.stopListening.forEach((remove) => remove());
    this.stopListening = [];
    clearInterval(this.timer);
    this.release(false);
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
    this.holding = true;
    film.pause();
    this.onHoldChange(true);
    this.holdTimer = setTimeout(() => this.release(true), HOLD_LIMIT_MS);
  }

  /** Ends a hold; `resume` plays the film again (false when the viewer paused meanwhile). */
  release(resume) {
    if (!this.holding) return;
    this.holding = false;
    clearTimeout(this.holdTimer);
    this.onHoldChange(false);
    if (resume) this.film.play().catch(() => {});
  }

  check() {
    const { film, signer } = this;
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
