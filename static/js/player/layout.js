// Where the film, the interpreter and the captions go on the stage: pure geometry, no DOM.
//
// Layouts:
//   "off"    the film alone;
//   "over"   the interpreter in a window over the film, where the viewer puts it;
//   "beside" the interpreter beside the film, on its left or right, at the height chosen;
//   "large"  the two swapped: the interpreter is the main picture and the film sits beside it.
// In every layout the captions get a region that does not cover the interpreter.
//
// The interpreter is never narrower than MIN_SIGN_WIDTH CSS pixels. Broadcast guidance sizes
// the signer relative to the picture (Ofcom: at least a sixth of it, which transcode/layout.py
// follows for burned-in signers), which on a television is large; on a phone the same share
// of a 320 px wide film is a window of 80 px, where handshapes and the mouth cannot be read.
// So on small screens an absolute floor wins: 144 CSS px (about 2.5 cm on a phone, half the
// width of the narrowest phone screen, 320 px, which WCAG 1.4.10 reflow is measured at). A
// window over the film that would be narrower grows to it; where it cannot (a phone), the
// two pictures share the screen: one below the other on a screen taller than wide
// ("stacked"), else side by side with the interpreter at the film's full height.
//
// The movable window ({x, y, size}) is the interpreter in "over" and "beside" and the film in
// "large". x and y place it within the room left for it (0 = left or top, 1 = right or
// bottom), so a window in a corner stays there when the stage changes size; size is its
// height as a fraction of the stage's.

import { clamp } from "./util.js";

export const LAYOUTS = ["over", "beside", "large"];
export const MIN_SIZE = 0.25;
export const MIN_SIGN_WIDTH = 144;
// Stacked below the film, the interpreter takes this share of the width (at least the minimum).
const STACKED_SIGN_SHARE = 0.5;
export const MAX_SIZE = 1;
// A window over the film may take at most this share of the stage's width.
const MAX_OVERLAY_WIDTH = 0.6;
// Captions beside the interpreter need at least this share of the width for a readable line.
const MIN_CAPTION_WIDTH = 0.45;
const CAPTION_MARGIN = 0.04;
// A window over the film keeps this share of the picture's height clear of its edges.
export const WINDOW_INSET = 0.025;

/** The window's starting place: the recording's own layout (corner, size), else bottom right. */
export function defaultWindow(layout, recordingLayout = {}) {
  const corner = String(recordingLayout.corner || "bottom-right");
  const sized = recordingLayout.size == null ? NaN : Number(recordingLayout.size);
  const size = {
    over: Number.isFinite(sized) ? clamp(sized, MIN_SIZE, MAX_SIZE) : 0.6,
    beside: 0.7,
    large: 0.5,
  }[layout];
  return { x: corner.endsWith("left") ? 0 : 1, y: corner.startsWith("top") ? 0 : 1, size };
}

/** A window as stored, with every number in range. */
export function tidyWindow(window, fallback) {
  const number = (value, low, high, otherwise) =>
    Number.isFinite(value) ? clamp(value, low, high) : otherwise;
  return {
    x: number(window?.x, 0, 1, fallback.x),
    y: number(window?.y, 0, 1, fallback.y),
    size: number(window?.size, MIN_SIZE, MAX_SIZE, fallback.size),
  };
}

const rect = (left, top, width, height) => ({ left, top, width, height });

/**
 * Boxes for a stage `width` wide and at most `maxHeight` high. `burnedIn` is the signer burned
 * into the picture playing (fractions of it), or null.
 * Returns {height, film, sign, window: "sign"|"film"|null, arrangement, captions: {left, width, bottom}}.
 */
export function computeLayout({ width, maxHeight, filmAspect, signAspect, layout, window, burnedIn = null }) {
  if (layout === "large") return sideBySideLayout({ width, maxHeight, filmAspect, signAspect, layout, window });
  if (layout === "beside") {
    const beside = sideBySideLayout({ width, maxHeight, filmAspect, signAspect, layout, window });
    if (beside.sign.width >= MIN_SIGN_WIDTH - 0.5) return beside;
    return sharedScreen({ width, maxHeight, filmAspect, signAspect, window });
  }
  const height = Math.min(width / filmAspect, maxHeight);
  const filmWidth = height * filmAspect;  // narrower than the stage when the height is capped
  const film = rect((width - filmWidth) / 2, 0, filmWidth, height);
  if (layout !== "over") {
    const captions = burnedIn ? captionsAround(film, within(film, burnedIn)) : captionsOver(film);
    return { height, film, sign: null, window: null, arrangement: "film", captions };
  }
  const inset = WINDOW_INSET * height;
  let signHeight = window.size * (height - 2 * inset);
  let signWidth = signHeight * signAspect;
  if (signWidth < MIN_SIGN_WIDTH) {
    signWidth = MIN_SIGN_WIDTH;
    signHeight = signWidth / signAspect;
  }
  if (signWidth > MAX_OVERLAY_WIDTH * filmWidth || signHeight > height - 2 * inset) {
    if (MIN_SIGN_WIDTH > MAX_OVERLAY_WIDTH * filmWidth || MIN_SIGN_WIDTH / signAspect > height - 2 * inset) {
      return sharedScreen({ width, maxHeight, filmAspect, signAspect, window });
    }
    signWidth = Math.max(MIN_SIGN_WIDTH, Math.min(MAX_OVERLAY_WIDTH * filmWidth, (height - 2 * inset) * signAspect));
    signHeight = signWidth / signAspect;
  }
  const sign = rect(
    film.left + inset + window.x * (filmWidth - 2 * inset - signWidth),
    inset + window.y * (height - 2 * inset - signHeight),
    signWidth,
    signHeight,
  );
  return { height, film, sign, window: "sign", arrangement: "over", inset, captions: captionsAround(film, sign) };
}

function sideBySideLayout({ width, maxHeight, filmAspect, signAspect, layout, window }) {
  const signMain = layout === "large";
  const pair = sideBySide(width, maxHeight, {
    mainAspect: signMain ? signAspect : filmAspect,
    secondAspect: signMain ? filmAspect : signAspect,
    window,
  });
  const [film, sign] = signMain ? [pair.second, pair.main] : [pair.main, pair.second];
  const captions = signMain ? captionsBeside(pair.second, pair.height) : captionsOver(film);
  return {
    height: pair.height, film, sign, window: signMain ? "film" : "sign", arrangement: layout, inset: 0, captions,
  };
}

/**
 * A screen too small for a readable window over the film: the interpreter below the film
 * where there is height for both, else beside it at the film's full height (a phone held
 * sideways). Neither is movable: there is no room to move them to.
 */
function sharedScreen({ width, maxHeight, filmAspect, signAspect, window }) {
  const signWidth = Math.min(width, Math.max(MIN_SIGN_WIDTH, STACKED_SIGN_SHARE * width));
  const signHeight = signWidth / signAspect;
  const fullFilmHeight = width / filmAspect;
  const besideHeight = Math.min(width / (filmAspect + signAspect), maxHeight);
  if (besideHeight * signAspect < MIN_SIGN_WIDTH || fullFilmHeight + signHeight <= maxHeight) {
    // Below; the film shrinks (centred) if both would not fit.
    const filmHeight = Math.max(fullFilmHeight / 2, Math.min(fullFilmHeight, maxHeight - signHeight));
    const filmWidth = filmHeight * filmAspect;
    const film = rect((width - filmWidth) / 2, 0, filmWidth, filmHeight);
    const sign = rect((width - signWidth) / 2, filmHeight, signWidth, signHeight);
    return {
      height: filmHeight + signHeight, film, sign, window: null, arrangement: "stacked", inset: 0,
      // On the film's lower edge, above the interpreter (bottom counts from the stage's foot).
      captions: { ...captionsOver(film), bottom: signHeight + CAPTION_MARGIN * filmHeight },
    };
  }
  const pair = sideBySide(width, maxHeight, {
    mainAspect: filmAspect, secondAspect: signAspect, window: { ...window, size: 1, y: 0 },
  });
  return {
    height: pair.height, film: pair.main, sign: pair.second, window: null, arrangement: "side", inset: 0,
    captions: captionsOver(pair.main),
  };
}

/** A box given as fractions of `picture`, in the stage's pixels. */
function within(picture, box) {
  return rect(
    picture.left + box.x * picture.width,
    picture.top + box.y * picture.height,
    box.width * picture.width,
    box.height * picture.height,
  );
}

/** A main picture at full height and a second one, `window.size` as high, to its side. */
function sideBySide(width, maxHeight, { mainAspect, secondAspect, window }) {
  const units = mainAspect + window.size * secondAspect;  // widths per unit of height
  const height = Math.min(width / units, maxHeight);
  const offset = (width - height * units) / 2;  // centred when the height is capped
  const mainWidth = height * mainAspect;
  const secondHeight = window.size * height;
  const secondWidth = secondHeight * secondAspect;
  const secondLeft = window.x < 0.5;
  return {
    height,
    main: rect(offset + (secondLeft ? secondWidth : 0), 0, mainWidth, height),
    second: rect(
      offset + (secondLeft ? 0 : mainWidth), window.y * (height - secondHeight), secondWidth, secondHeight,
    ),
  };
}

/** Captions along the bottom of a picture nothing covers. */
function captionsOver(picture) {
  const margin = CAPTION_MARGIN * picture.width;
  return {
    left: picture.left + margin,
    width: picture.width - 2 * margin,
    bottom: CAPTION_MARGIN * picture.height,
  };
}

/** Captions in the room a picture beside the interpreter leaves above or below it. */
function captionsBeside(picture, stageHeight) {
  const above = picture.top;
  const below = stageHeight - picture.top - picture.height;
  const gap = CAPTION_MARGIN * stageHeight;
  if (Math.max(above, below) < 0.15 * stageHeight) {
    return { left: picture.left, width: picture.width, bottom: below + gap };
  }
  const bottom = below >= above ? gap : stageHeight - picture.top + gap;
  return { left: picture.left, width: picture.width, bottom };
}

/** Captions over the film that keep clear of the interpreter's window. */
function captionsAround(film, sign) {
  const usual = captionsOver(film);
  const gap = CAPTION_MARGIN * film.width;
  // A window clear of the lowest quarter leaves the usual place free.
  if (sign.top + sign.height <= film.height * 0.75) return usual;
  const leftRoom = sign.left - film.left - 2 * gap;
  const rightRoom = film.left + film.width - (sign.left + sign.width) - 2 * gap;
  const beside = leftRoom >= rightRoom
    ? { left: film.left + gap, width: leftRoom, bottom: usual.bottom }
    : { left: sign.left + sign.width + gap, width: rightRoom, bottom: usual.bottom };
  if (beside.width >= MIN_CAPTION_WIDTH * film.width) return beside;
  if (sign.top >= 0.2 * film.height) {
    return { ...usual, bottom: film.height - sign.top + gap / 2 };
  }
  return beside;
}
