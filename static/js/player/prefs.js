// The viewer's choices, kept in localStorage so they hold on every page and visit.

const STORAGE_KEY = "tolk-player";

export const CAPTION_STYLE_DEFAULTS = Object.freeze({
  size: 1,
  colour: "#ffffff",
  background: "#000000",
  opacity: 0.75,
  font: "sans",
});

const DEFAULTS = {
  // null: not chosen yet, so the page's language is used; "": captions off.
  captionLanguage: null,
  captionStyle: { ...CAPTION_STYLE_DEFAULTS },
  sign: false,
  signLayout: "over",
  // The movable window's place and size in each layout ({x, y, size}); null until moved.
  windows: { over: null, beside: null, large: null },
  transcript: false,
  // Audio description: spoken or not, the film waiting for it (extended), its speech rate,
  // and whether its text also goes to screen readers.
  descriptions: false,
  descriptionsExtended: false,
  descriptionRate: 1,
  descriptionsText: true,
  volume: 1,
  muted: false,
};

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** Stored values of the same type as the defaults', recursively; anything else is dropped. */
function merge(defaults, stored) {
  const result = { ...defaults };
  if (!isObject(stored)) return result;
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = stored[key];
    if (value === undefined) continue;
    if (isObject(fallback)) result[key] = merge(fallback, value);
    else if (fallback === null) result[key] = value;
    else if (typeof value === typeof fallback) result[key] = value;
  }
  return result;
}

export function loadPrefs() {
  try {
    return merge(DEFAULTS, JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"));
  } catch {
    return merge(DEFAULTS, null);  // storage blocked or corrupt: start afresh
  }
}

export function savePrefs(prefs) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Private browsing or a full store: the choices last for this page only.
  }
}
