// Words of a draft made from speech that the editor should check: those the recogniser heard
// with low confidence, and (for a timed text) those it could not place. Each is a warning on
// the cue that holds it now, found by its time and its text, so it follows the cue through
// splits, merges and shifts, and goes away once the editor has changed the word.

/** For each cue of `cues`, the warnings of the `words` ({word, start, why}) it still holds. */
export function wordWarnings(cues, words) {
  const found = cues.map(() => []);
  for (const note of words) {
    const index = cueHolding(cues, note);
    if (index >= 0) found[index].push({ code: `word_${note.why}`, values: { word: note.word } });
  }
  return found;
}

function cueHolding(cues, note) {
  const word = note.word.toLocaleLowerCase();
  // The cue whose time holds the word's start, else the nearest one before it (a held or
  // shifted cue may have moved a little); either must still contain the word.
  let best = -1;
  for (let i = 0; i < cues.length && cues[i].start <= note.start; i++) best = i;
  for (const index of [best, best + 1]) {
    if (index >= 0 && index < cues.length && cues[index].text.toLocaleLowerCase().includes(word)) return index;
  }
  return -1;
}
