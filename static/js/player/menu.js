// A menu button (WAI-ARIA Authoring Practices "menu button"): the button opens a list of
// menu items; arrow keys, Home and End move between them, Enter or Space chooses, Escape closes.

const ITEM = '[role^="menuitem"]';

export class MenuButton {
  /**
   * @param {HTMLButtonElement} button
   * @param {HTMLElement} menu element with role="menu"
   * @param {(item: HTMLElement) => void} onChoose called with the chosen item
   */
  constructor(button, menu, onChoose) {
    this.button = button;
    this.menu = menu;
    this.onChoose = onChoose;
    button.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));
    button.addEventListener("keydown", (event) => this.onButtonKey(event));
    menu.addEventListener("keydown", (event) => this.onMenuKey(event));
    menu.addEventListener("click", (event) => {
      const item = event.target.closest(ITEM);
      if (item) this.choose(item);
    });
    menu.addEventListener("focusout", (event) => {
      if (!this.button.parentElement.contains(event.relatedTarget)) this.close(false);
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.isOpen && !this.button.parentElement.contains(event.target)) this.close(false);
    });
  }

  get isOpen() {
    return !this.menu.hidden;
  }

  items() {
    return [...this.menu.querySelectorAll(ITEM)];
  }

  open(focus = "checked") {
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    const items = this.items();
    const checked = items.find((item) => item.getAttribute("aria-checked") === "true");
    const target = focus === "last" ? items.at(-1) : (focus === "checked" && checked) || items[0];
    target?.focus();
  }

  close(returnFocus = true) {
    if (!this.isOpen) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (returnFocus) this.button.focus();
  }

  /** Marks the radio items for which `isChecked(item)` is true. */
  check(isChecked) {
    for (const item of this.menu.querySelectorAll('[role="menuitemradio"]')) {
      item.setAttribute("aria-checked", String(Boolean(isChecked(item))));
    }
  }

  choose(item) {
    this.onChoose(item);
    // Radio choices close the menu; actions (a window's "Larger") keep it open to repeat.
    if (item.getAttribute("role") !== "menuitem") this.close();
  }

  onButtonKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.open(event.key === "ArrowUp" ? "last" : "checked");
    }
  }

  onMenuKey(event) {
    const items = this.items();
    const index = items.indexOf(document.activeElement);
    const moveTo = (next) => items[(next + items.length) % items.length].focus();
    switch (event.key) {
      case "ArrowDown": moveTo(index + 1); break;
      case "ArrowUp": moveTo(index - 1); break;
      case "Home": moveTo(0); break;
      case "End": moveTo(items.length - 1); break;
      case "Escape": this.close(); break;
      case "Tab": this.close(false); return;  // let focus move on as usual
      case "Enter":
      case " ":
        if (index >= 0) this.choose(items[index]);
        break;
      default: {
        // Typing a letter moves to the next item starting with it.
        if (event.key.length !== 1 || event.ctrlKey || event.altKey || event.metaKey) return;
        const letter = event.key.toLowerCase();
        const order = [...items.slice(index + 1), ...items.slice(0, index + 1)];
        order.find((item) => item.textContent.trim().toLowerCase().startsWith(letter))?.focus();
      }
    }
    event.preventDefault();
    event.stopPropagation();  // the player's shortcuts must not act on keys meant for the menu
  }
}
