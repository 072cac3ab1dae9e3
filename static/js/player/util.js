// Small helpers shared by the player's modules.

/** `value` kept within `low` and `high`. */
export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/** "1:05" or "1:02:05" for a number of seconds. */
export function formatTime(seconds) {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** A message with its {name} placeholders filled in. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Calls `handler` for `events` on `target`; returns a function that removes them all. */
export function listen(target, events, handler) {
  const names = events.split(" ");
  for (const name of names) target.addEventListener(name, handler);
  return () => names.forEach((name) => target.removeEventListener(name, handler));
}

/**
 * When `dialog` closes, focus goes back to `opener`, unless the viewer has already moved it.
 * The close event comes as a task of its own, and the browser may handle a key pressed just
 * after Escape (Tab to the next control) before it: the focus must not be pulled back then.
 */
export function returnFocusOnClose(dialog, opener) {
  dialog.addEventListener("close", () => {
    const focused = document.activeElement;
    if (!focused || focused === document.body || dialog.contains(focused)) opener.focus();
  });
}
