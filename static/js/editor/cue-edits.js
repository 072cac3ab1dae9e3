// The caption editor's cues and what can be done to them, as plain functions on an array of
// { start, end, text, identifier, settings } (times in integer milliseconds, as Tolk keeps them).

const TIME = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?$/;
export const MAX_TIME_MS = 10_000 * 3_600_000 - 1;
const NEW_CUE_MS = 2000;

/** `00:01:02.500` (or `1:02.5`, `1:02,5`) as milliseconds; null when it is not a time. */
export function parseTime(text) {
  const found = TIME.exec(text.trim());
  if (!found) return null;
  const [, hours = "0", minutes, seconds, fraction = "0"] = found;
  const millis = Number(fraction.padEnd(3, "0"));
  const total = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + millis;
  return total <= MAX_TIME_MS ? total : null;
}

/** Milliseconds as `HH:MM:SS.mmm`, as WebVTT writes them. */
export function formatTime(milliseconds) {
  const value = Math.max(0, milliseconds);
  const hours = Math.floor(value / 3_600_000);
  const minutes = Math.floor((value % 3_600_000) / 60_000);
  const seconds = Math.floor((value % 60_000) / 1000);
  const millis = value % 1000;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, "0")}`;
}

/** Seconds written by a person (`-1.5`, `-1,5`, `2`) as milliseconds; null otherwise. */
export function parseOffset(text) {
  const cleaned = text.trim().replace(",", ".").replace("−", "-");
  if (!/^[-+]?\d+(\.\d{1,3})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 1000);
}

/** Where to split a text: at `caret` when it is inside, else at the space nearest the middle. */
function splitPoint(text, caret) {
  if (caret > 0 && caret < text.length) return caret;
  const middle = Math.floor(text.length / 2);
  for (let step = 0; step <= middle; step++) {
    for (const at of [middle - step, middle + step]) {
      if (at > 0 && at < text.length && /\s/.test(text[at])) return at;
    }
  }
  return middle;
}

/** Split cue `index` in two at `caret` in its text; its time is divided in proportion to the
 * text on either side. Returns false when the cue is too short to split. */
export function splitCue(cues, index, caret) {
  const cue = cues[index];
  if (cue.end - cue.start < 2) return false;
  const at = splitPoint(cue.text, caret);
  const share = cue.text.length ? at / cue.text.length : 0.5;
  const middle = Math.min(cue.end - 1, Math.max(cue.start + 1, cue.start + Math.round((cue.end - cue.start) * share)));
  const first = { ...cue, end: middle, text: cue.text.slice(0, at).trim() };
  const second = { ...cue, start: middle, text: cue.text.slice(at).trim(), identifier: "" };
  cues.splice(index, 1, first, second);
  return true;
}

/** Merge cue `index` with the one after it. Returns false when it is the last. */
export function mergeWithNext(cues, index) {
  if (index + 1 >= cues.length) return false;
  const [cue, next] = [cues[index], cues[index + 1]];
  const text = [cue.text, next.text].filter((part) => part.trim()).join("\n");
  cues.splice(index, 2, { ...cue, end: Math.max(cue.end, next.end), text });
  return true;
}

/** A new empty cue after cue `index` (or the first of an empty list): from its end, until the
 * next cue starts or for two seconds. Returns the new cue's index. */
export function insertAfter(cues, index) {
  const before = cues[index];
  const start = before ? before.end : 0;
  const next = cues[index + 1];
  const room = next && next.start > start ? next.start - start : NEW_CUE_MS;
  const end = Math.min(MAX_TIME_MS, start + Math.min(NEW_CUE_MS, room));
  cues.splice(index + 1, 0, { start, end: end > start ? end : start + 1, text: "", identifier: "", settings: "" });
  return index + 1;
}

/** Shift cues `from` to `to` (0-based, inclusive) by `offset` ms. Returns false, changing
 * nothing, when a cue would start before 0 or end past the last time Tolk keeps. */
export function shiftCues(cues, from, to, offset) {
  const chosen = cues.slice(from, to + 1);
  if (chosen.some((cue) => cue.start + offset < 0 || cue.end + offset > MAX_TIME_MS)) return false;
  for (let i = from; i <= to; i++) {
    cues[i] = { ...cues[i], start: cues[i].start + offset, end: cues[i].end + offset };
  }
  return true;
}

/** The index of the cue shown at `milliseconds`, or -1. */
export function cueAt(cues, milliseconds) {
  for (let i = 0; i < cues.length; i++) {
    if (cues[i].start <= milliseconds && milliseconds < cues[i].end) return i;
  }
  return -1;
}
