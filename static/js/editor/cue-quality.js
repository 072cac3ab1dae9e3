// Live quality warnings per cue, by the rules of transcode/captions/quality.py: the thresholds
// come from the page (one home for the rule); this is the same arithmetic on integer
// milliseconds, so the editor warns as the report on a saved file does.

const TAG_OR_TEXT = /<[^>]*(?:>|$)|[^<]+/g;
const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", lrm: "\u200e", rlm: "\u200f" };

function decodeReferences(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** Cue text as a viewer reads it: tags removed, character references decoded. */
export function plainText(text) {
  if (!text.includes("<") && !text.includes("&")) return text;
  return (text.match(TAG_OR_TEXT) || []).filter((part) => part[0] !== "<").map(decodeReferences).join("");
}

function characters(line) {
  return [...line].length; // code points, as Python counts them
}

/** A duration in seconds with two decimals, written for `language`. */
function seconds(milliseconds, language) {
  const text = (Math.trunc(milliseconds / 10) / 100).toFixed(2);
  return language === "sv" ? text.replace(".", ",") : text;
}

function cueWarnings(cue, rules, language) {
  const found = [];
  const duration = cue.end - cue.start;
  if (duration <= 0) return [{ code: "bad_times", error: true, values: {} }];
  const lines = plainText(cue.text).normalize("NFC").split("\n");
  const total = lines.reduce((sum, line) => sum + characters(line), 0);
  const longest = Math.max(...lines.map(characters));
  if (total * 1000 > rules.maxCharsPerSecond * duration) {
    const tenths = Math.floor((total * 10_000 + Math.floor(duration / 2)) / duration);
    let speed = `${Math.floor(tenths / 10)}.${tenths % 10}`;
    if (language === "sv") speed = speed.replace(".", ",");
    found.push({ code: "reading_speed", values: { speed, max: rules.maxCharsPerSecond } });
  }
  if (longest > rules.maxLineLength) {
    found.push({ code: "line_too_long", values: { length: longest, max: rules.maxLineLength } });
  }
  if (lines.length > rules.maxLines) {
    found.push({ code: "too_many_lines", values: { lines: lines.length, max: rules.maxLines } });
  }
  if (duration < rules.minDurationMs) {
    found.push({
      code: "too_short",
      values: { seconds: seconds(duration, language), min: seconds(rules.minDurationMs, language).replace(/[.,]00$/, "") },
    });
  }
  return found;
}

/** The warnings of every cue, by index: `[{ code, values, error? }]` each. */
export function allWarnings(cues, rules, language) {
  const warnings = cues.map((cue) => cueWarnings(cue, rules, language));
  const [rate, per] = rules.frameRate;
  // Overlaps and flicker gaps, in order of start time, against the cue that ends last so far.
  const shown = cues.map((cue, index) => index).filter((index) => cues[index].end > cues[index].start);
  shown.sort((a, b) => cues[a].start - cues[b].start || a - b);
  let lastToEnd = null;
  for (const index of shown) {
    const cue = cues[index];
    if (lastToEnd !== null) {
      const gap = cue.start - cues[lastToEnd].end;
      if (gap < 0) {
        warnings[index].push({ code: "overlap", values: { other: lastToEnd + 1 } });
      } else if (gap > 0 && gap * rate < rules.minGapFrames * 1000 * per) {
        warnings[index].push({ code: "short_gap", values: { gap, other: lastToEnd + 1 } });
      }
    }
    if (lastToEnd === null || cue.end > cues[lastToEnd].end) lastToEnd = index;
  }
  return warnings;
}
