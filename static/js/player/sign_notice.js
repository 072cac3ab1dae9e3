// What the player says when the interpreter cannot keep up or cannot play at all: one
// message, said once, with a choice: wait for the interpreter, play without, or the version
// with the interpreter in the picture (where there is one). It never takes the focus: a
// viewer following the film is not interrupted, and the buttons are next in the tab order
// after the picture.

export class SignNotice {
  /**
   * @param {HTMLElement} element the .tp-sign-notice of the player
   * @param {Record<string, string>} strings the player's strings
   * @param {Record<string, () => void>} choices "wait", "without" and, optionally, "signed"
   */
  constructor(element, strings, choices) {
    this.element = element;
    this.strings = strings;
    this.kind = null;
    this.text = element.querySelector(".tp-sign-notice-text");
    this.actions = element.querySelector(".tp-sign-notice-actions");
    for (const button of element.querySelectorAll("button[data-choice]")) {
      const choice = choices[button.dataset.choice];
      if (!choice) {
        button.remove();  // no signed variant to switch to
        continue;
      }
      button.addEventListener("click", () => {
        this.hide();
        choice();
      });
    }
  }

  /** "stuck" (the network) or "broken" (the recording cannot play here); shown once until hidden. */
  show(kind) {
    if (this.kind === kind) return;
    this.kind = kind;
    this.element.dataset.kind = kind;
    this.element.classList.add("is-shown");
    this.actions.hidden = false;
    // Waiting makes no sense for a recording this browser cannot play.
    const wait = this.actions.querySelector("[data-choice=wait]");
    if (wait) wait.hidden = kind === "broken";
    this.text.textContent = kind === "broken" ? this.strings.player_sign_broken : this.strings.player_sign_stuck;
  }

  hide() {
    if (this.kind === null) return;
    this.kind = null;
    delete this.element.dataset.kind;
    this.element.classList.remove("is-shown");
    this.actions.hidden = true;
    this.text.textContent = "";
  }
}
