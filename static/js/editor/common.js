// What the editor's scripts share: their texts in the page's language, the session's CSRF
// token, and announcing changes in a live region.

import { fill } from "../player/util.js";

const strings = JSON.parse(document.getElementById("editor-strings")?.textContent || "{}");

/** The text `key` in the page's language, with its {placeholders} filled in. */
export function say(key, values = {}) {
  return fill(strings[key] ?? key, values);
}

/** Headers every write to the API sends from a signed-in browser. */
export function csrfHeaders() {
  const token = document.querySelector('meta[name="csrf-token"]')?.content || "";
  return { "X-CSRF-Token": token };
}

/** The message of an error answer from the API (its JSON), else the HTTP status. */
export async function errorMessage(response) {
  try {
    const body = await response.json();
    return body?.error?.message || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}
