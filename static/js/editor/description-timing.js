// Audio description timing, by the rule of transcode/captions/description_timing.py: a
// description that overlaps the film's speech, and one whose text, read at the describer's
// pace (words a minute, from the page: one home for the rule), takes longer than the pause it
// starts in has left. The same integer-millisecond arithmetic, so the editor warns as the API does.

import { formatTime } from "./cue-edits.js";
import { plainText } from "./cue-quality.js";

/** How long `text` takes to say at `wordsPerMinute` (whole milliseconds, rounded up). */
export function spokenMs(text, wordsPerMinute) {
  const words = plainText(text).split(/\s+/).filter(Boolean).length;
  return Math.ceil((words * 60_000) / wordsPerMinute);
}

/** Milliseconds as seconds with one decimal, cut (not rounded) as the server writes them. */
function tenths(milliseconds, language) {
  const sign = milliseconds < 0 ? "-" : "";
  const value = Math.abs(milliseconds);
  const text = `${sign}${Math.floor(value / 1000)}.${Math.floor((value % 1000) / 100)}`;
  return language === "sv" ? text.replace(".", ",") : text;
}

/** The timing warnings of every cue, by index (`timing`: the page's speech and pace). */
export function timingWarnings(cues, timing, language) {
  const warnings = cues.map(() => []);
  if (!timing || timing.status !== "found") return warnings;
  const spans = [...timing.speech].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  cues.forEach((cue, index) => {
    if (cue.end <= cue.start) return;
    const overlapped = spans.find(([start, end]) => start < cue.end && end > cue.start);
    if (overlapped) {
      warnings[index].push({
        code: "overlaps_speech",
        values: { from: formatTime(overlapped[0]), to: formatTime(overlapped[1]) },
      });
    }
    const following = spans.findIndex(([start]) => start > cue.start);
    const before = following < 0 ? spans.length - 1 : following - 1;
    if (before >= 0 && spans[before][1] > cue.start) return; // in speech: the overlap says it
    const pauseEnd = following >= 0 ? spans[following][0] : timing.durationMs;
    if (pauseEnd === null || pauseEnd === undefined) return;
    const available = Math.max(0, pauseEnd - cue.start); // past the film's end: no pause left
    const needed = spokenMs(cue.text, timing.wordsPerMinute);
    if (needed > available) {
      warnings[index].push({
        code: "longer_than_gap",
        values: { needed: tenths(needed, language), available: tenths(available, language), wpm: timing.wordsPerMinute },
      });
    }
  });
  return warnings;
}
