// The signer without the green screen in the sign window: a chroma key done by the player.
//
// A recording filmed on green (its layout has a key) is drawn frame by frame into a canvas
// laid over its <video>, which stays in place, playing and in sync, but unseen. Each frame's
// pixels are keyed by the same rule as the burned-in variants (transcode/variants.py,
// _keyed): the distance of a pixel's chroma (BT.601 U and V, 16 to 240) from the key colour's,
// transparent within `similarity`, fading in over `blend`, and the key's hue taken out of what
// remains (`despill`). The key follows the layout the editor saves at once, with no file to
// remake, and plays from any source the window has (its HLS ladder, its MP4).
//
// Why not a VP9-with-alpha WebM: Chromium and Firefox play one, Safari does not, and every
// change of the key would mean encoding it again. A page that cannot key (no 2D canvas, or a
// canvas it may not read) shows the recording as it is: the signer on green, never nothing.

const CHROMA_SCALE = 255 * Math.SQRT2;
const STUDIO = 224 / 255;  // full-range RGB to the chroma scale of studio-range video
const MAX_LINES = 540;  // a larger signer is keyed at this height and scaled by the browser

/** The key of a window's config (`{chroma: [u, v], similarity, blend, despill}`) as lookup
 * tables over every (U, V): the alpha, and the change despill makes to R, G and B (the chroma
 * moved back along the key's hue, the luma kept; BT.601, full range). */
export function prepareKey({ chroma, similarity, blend, despill }) {
  const [keyU, keyV] = chroma;
  const length = Math.hypot(keyU - 128, keyV - 128) || 1;
  const alongU = (keyU - 128) / length, alongV = (keyV - 128) / length;
  const alpha = new Uint8Array(65536);
  const red = new Int16Array(65536), green = new Int16Array(65536), blue = new Int16Array(65536);
  for (let u = 0; u < 256; u++) {
    for (let v = 0; v < 256; v++) {
      const index = (u << 8) | v;
      const distance = Math.hypot(u - keyU, v - keyV) / CHROMA_SCALE;
      const opacity = blend > 0
        ? Math.min(1, Math.max(0, (distance - similarity) / blend))
        : Number(distance >= similarity);
      alpha[index] = Math.round(255 * opacity);
      const spill = despill * Math.max(0, (u - 128) * alongU + (v - 128) * alongV);
      if (opacity === 0 || spill <= 0) continue;
      const cb = (-spill * alongU) / STUDIO, cr = (-spill * alongV) / STUDIO;
      red[index] = Math.round(1.402 * cr);
      green[index] = Math.round(-0.344136 * cb - 0.714136 * cr);
      blue[index] = Math.round(1.772 * cb);
    }
  }
  return { alpha, red, green, blue };
}

/** Keys every pixel of `image` (an ImageData) in place: its chroma (BT.601, studio range, in
 * integers) looks up the alpha and the despill; the clamped array rounds and clips. */
export function keyImage(image, key) {
  const { data } = image;
  const { alpha, red, green, blue } = key;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2];
    const u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
    const v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    const index = (u << 8) | v;
    data[i] = r + red[index];
    data[i + 1] = g + green[index];
    data[i + 2] = b + blue[index];
    data[i + 3] = alpha[index];
  }
  return image;
}

export class SignerKey {
  /** Keys `video` (the window's <video>) with `key`; `crop` ({x, y, width, height} fractions)
   * is the signing space the editor chose, or null. */
  constructor(video, key, crop = null) {
    this.video = video;
    this.key = prepareKey(key);
    this.crop = crop;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "tp-signer-keyed";
    this.canvas.setAttribute("aria-hidden", "true");  // the <video> carries the label
    this.context = this.canvas.getContext("2d", { willReadFrequently: true });
    this.running = false;
    this.drawn = -1;
    this.failed = !this.context;
    this.redraw = () => { this.drawn = -1; };
  }

  start() {
    if (this.failed || this.running) return;
    const { video, canvas } = this;
    if (!canvas.isConnected) {
      Object.assign(canvas.style, {
        position: "absolute", inset: "0", width: "100%", height: "100%",
        objectFit: getComputedStyle(video).objectFit || "contain", pointerEvents: "none",
      });
      video.after(canvas);
    }
    video.style.opacity = "0";  // it plays on, unseen; the canvas shows its keyed frames
    video.classList.add("is-keyed");
    canvas.hidden = false;
    for (const type of ["seeked", "loadeddata", "resize"]) video.addEventListener(type, this.redraw);
    this.running = true;
    const run = (this.runs = (this.runs ?? 0) + 1);  // a stop and start ends the older loop
    if ("requestVideoFrameCallback" in video) {
      // Keyed once per frame the video presents (a frame costs a few milliseconds), and
      // after a seek or a new source by the same callback.
      const onFrame = () => {
        if (!this.running || run !== this.runs) return;
        this.drawn = -1;
        this.draw();
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      this.draw();
      return;
    }
    const loop = () => {
      if (!this.running || run !== this.runs) return;
      this.draw();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  stop() {
    this.running = false;
    for (const type of ["seeked", "loadeddata", "resize"]) this.video.removeEventListener(type, this.redraw);
  }

  /** The part of the video drawn (the crop in pixels) and the canvas size it is keyed at. */
  geometry() {
    const { videoWidth: width, videoHeight: height } = this.video;
    const crop = this.crop ?? { x: 0, y: 0, width: 1, height: 1 };
    const sx = Math.round(crop.x * width), sy = Math.round(crop.y * height);
    const sw = Math.max(1, Math.round(crop.width * width)), sh = Math.max(1, Math.round(crop.height * height));
    const scale = Math.min(1, MAX_LINES / sh);
    return { sx, sy, sw, sh, dw: Math.max(1, Math.round(sw * scale)), dh: Math.max(1, Math.round(sh * scale)) };
  }

  draw() {
    const { video, canvas, context } = this;
    if (video.readyState < 2 || !video.videoWidth) return;  // no frame yet
    if (video.currentTime === this.drawn) return;  // this frame is on the canvas already (rAF)
    const { sx, sy, sw, sh, dw, dh } = this.geometry();
    if (canvas.width !== dw || canvas.height !== dh) {
      canvas.width = dw;
      canvas.height = dh;
    }
    context.drawImage(video, sx, sy, sw, sh, 0, 0, dw, dh);
    let image;
    try {
      image = context.getImageData(0, 0, dw, dh);
    } catch {
      this.giveUp();  // a canvas the page may not read (a recording from elsewhere)
      return;
    }
    context.putImageData(keyImage(image, this.key), 0, 0);
    this.drawn = video.currentTime;
  }

  /** Shows the recording as it is. */
  giveUp() {
    this.failed = true;
    this.stop();
    this.canvas.hidden = true;
    this.video.style.opacity = "";
    this.video.classList.remove("is-keyed");
  }
}
