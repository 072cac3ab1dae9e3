// Moving and resizing the movable window (the interpreter, or the film when they are swapped)
// with a mouse, a pen or touch (pointer events), and with the keyboard: arrow keys move it,
// Shift and the arrow keys resize it. The menu "Interpreter layout" offers the same steps as
// single clicks, for those who cannot drag (WCAG 2.5.7).

import { clamp } from "./util.js";
import { MIN_SIZE, MAX_SIZE } from "./layout.js";

const KEY_ACTIONS = {
  ArrowLeft: ["left", "smaller"],
  ArrowRight: ["right", "larger"],
  ArrowUp: ["up", "larger"],
  ArrowDown: ["down", "smaller"],
};

export class WindowControls {
  constructor(stage) {
    this.stage = stage;
    for (const box of [stage.film, stage.sign]) {
      if (!box) continue;
      box.append(handle("tp-handle-move"), handle("tp-handle-resize"));
      box.addEventListener("pointerdown", (event) => this.onPointerDown(event, box));
      box.addEventListener("keydown", (event) => this.onKey(event, box));
    }
  }

  onKey(event, box) {
    if (event.target !== box || !box.classList.contains("is-window")) return;
    const actions = KEY_ACTIONS[event.key];
    if (!actions || event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();  // arrows here move the window; they do not seek the film
    this.stage.adjust(actions[event.shiftKey ? 1 : 0]);
  }

  onPointerDown(event, box) {
    if (!box.classList.contains("is-window") || event.button !== 0) return;
    event.preventDefault();  // no text selection or native drag while moving
    box.focus({ preventScroll: true });
    const resizing = event.target.classList.contains("tp-handle-resize");
    const { stage } = this;
    const start = {
      x: event.clientX,
      y: event.clientY,
      window: stage.windowOf(stage.layout),
      box: stage.layout === "large" ? stage.result.film : stage.result.sign,
      height: stage.result.height,
      width: stage.element.clientWidth,
      film: stage.result.film,
      inset: stage.result.inset,
    };
    box.setPointerCapture(event.pointerId);
    box.classList.add("is-dragging");
    const onMove = (move) => {
      const dx = move.clientX - start.x;
      const dy = move.clientY - start.y;
      stage.setWindow(resizing ? resized(start, dy) : moved(stage.layout, start, dx, dy));
    };
    const onEnd = () => {
      box.classList.remove("is-dragging");
      box.removeEventListener("pointermove", onMove);
      box.removeEventListener("pointerup", onEnd);
      box.removeEventListener("pointercancel", onEnd);
    };
    box.addEventListener("pointermove", onMove);
    box.addEventListener("pointerup", onEnd);
    box.addEventListener("pointercancel", onEnd);
  }
}

/** The window dragged by (dx, dy) pixels from where it started. */
function moved(layout, start, dx, dy) {
  const { box, window, height, width, film, inset } = start;
  const roomY = height - 2 * inset - box.height;
  const y = roomY > 0 ? clamp((box.top - inset + dy) / roomY, 0, 1) : window.y;
  if (layout !== "over") {
    // Beside the main picture: the window's centre picks the side.
    const centre = box.left + box.width / 2 + dx;
    return { ...window, x: centre < width / 2 ? 0 : 1, y };
  }
  // Over the film: within the picture, which is narrower than the stage when height is capped.
  const roomX = film.width - 2 * inset - box.width;
  const x = roomX > 0 ? clamp((box.left - film.left - inset + dx) / roomX, 0, 1) : window.x;
  return { ...window, x, y };
}

/** The window resized from its handle, which sits on the corner away from where it is anchored. */
function resized(start, dy) {
  const { window, height } = start;
  const grow = window.y >= 0.5 ? -dy : dy;  // anchored at the bottom: the handle is on top
  return { ...window, size: clamp(window.size + grow / height, MIN_SIZE, MAX_SIZE) };
}

function handle(className) {
  const element = document.createElement("span");
  element.className = `tp-handle ${className}`;
  element.setAttribute("aria-hidden", "true");
  return element;
}
