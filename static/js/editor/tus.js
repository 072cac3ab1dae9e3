// A small client for the tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload):
// create the upload, send it in chunks with progress, and after a dropped connection ask the
// server how much arrived (HEAD) and go on from there. The upload's URL is kept in
// localStorage, so a reloaded page or a restarted browser resumes the same file too.
//
// Each chunk carries its SHA-256 (tus checksum extension) where the page may compute one (a
// secure context: https or this machine), so a chunk damaged on the way is refused (460) and
// sent again rather than stored.
//
// Tolk's own rather than tus-js-client: it needs creation, PATCH, HEAD and a checksum only,
// ships as a plain module without a build step or a vendored bundle, and reports progress with
// XMLHttpRequest (fetch cannot report upload progress). tus-js-client is the tests' referee
// for the server (tests/test_tus_clients.py).

const TUS_VERSION = "1.0.0";
const RETRY_DELAYS_MS = [500, 1000, 3000, 5000, 10000];

export class UploadError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }

  /** A dropped connection, an offset conflict, a chunk damaged on the way (460) or a busy or
   * failing server: worth another try. */
  get retryable() {
    return [0, 408, 409, 423, 460].includes(this.status) || this.status >= 500;
  }
}

class Aborted extends Error {}

function base64(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `sha256 <base64>` of a chunk for Upload-Checksum, or null where Web Crypto is not offered. */
async function checksum(chunk) {
  if (!globalThis.crypto?.subtle) return null;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await chunk.arrayBuffer()));
  return `sha256 ${btoa(String.fromCharCode(...digest))}`;
}

async function failure(response) {
  let message = `HTTP ${response.status}`;
  try {
    message = (await response.json())?.error?.message || message;
  } catch {
    // not JSON: the status says enough
  }
  return new UploadError(message, response.status);
}

export class TusUpload {
  /**
   * @param {File} file
   * @param {{endpoint: string, metadata?: object, chunkSize?: number, headers?: object,
   *   storageKey?: string, onProgress?: (sent: number) => void, onRetry?: (error: UploadError) => void}} options
   */
  constructor(file, options) {
    this.file = file;
    this.options = { chunkSize: 8 * 1024 * 1024, metadata: {}, headers: {}, ...options };
    this.url = null;
    this.offset = 0;
    this.request = null;
    this.aborted = false;
  }

  /** Sends the file; resolves when the server has it all (and has taken it), rejects on failure. */
  async start() {
    this.aborted = false;
    let retries = 0;
    for (;;) {
      try {
        await this.findOffset();
        while (this.offset < this.file.size) {
          this.offset = await this.sendChunk();
          retries = 0;
        }
        this.forget();
        return;
      } catch (error) {
        if (this.aborted || error instanceof Aborted) throw new Aborted("aborted");
        if (!(error instanceof UploadError) || !error.retryable || retries >= RETRY_DELAYS_MS.length) {
          if (error instanceof UploadError && error.status >= 400 && error.status < 500) this.forget();
          throw error;
        }
        this.options.onRetry?.(error);
        await sleep(RETRY_DELAYS_MS[retries++]);
      }
    }
  }

  /** Stops sending; `start` again resumes from what the server has. */
  abort() {
    this.aborted = true;
    this.request?.abort();
  }

  headers(extra = {}) {
    return { "Tus-Resumable": TUS_VERSION, ...this.options.headers, ...extra };
  }

  /** The upload's URL and how much of it the server has: asked of the server, never assumed. */
  async findOffset() {
    const key = this.options.storageKey;
    this.url ||= key ? localStorage.getItem(key) : null;
    if (this.url) {
      const response = await fetch(this.url, { method: "HEAD", headers: this.headers(), cache: "no-store" });
      if (response.ok) {
        this.offset = Number(response.headers.get("Upload-Offset"));
        return;
      }
      if (![403, 404, 410].includes(response.status)) throw await failure(response);
      this.forget();  // expired or gone: start afresh
    }
    await this.create();
  }

  async create() {
    const metadata = Object.entries(this.options.metadata)
      .map(([name, value]) => `${name} ${base64(String(value))}`)
      .join(",");
    const response = await fetch(this.options.endpoint, {
      method: "POST",
      headers: this.headers({ "Upload-Length": String(this.file.size), "Upload-Metadata": metadata }),
    });
    if (!response.ok) throw await failure(response);
    this.url = new URL(response.headers.get("Location"), location.href).href;
    this.offset = 0;
    if (this.options.storageKey) {
      try {
        localStorage.setItem(this.options.storageKey, this.url);
      } catch {
        // storage blocked: resuming still works while the page is open
      }
    }
  }

  forget() {
    if (this.options.storageKey) {
      try {
        localStorage.removeItem(this.options.storageKey);
      } catch {
        // nothing was kept
      }
    }
    this.url = null;
  }

  /** PATCHes the next chunk; resolves with the server's new offset. */
  async sendChunk() {
    const start = this.offset;
    const chunk = this.file.slice(start, Math.min(start + this.options.chunkSize, this.file.size));
    const sum = await checksum(chunk);
    if (this.aborted) throw new Aborted("aborted");
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      this.request = request;
      request.open("PATCH", this.url);
      const headers = this.headers({
        "Upload-Offset": String(start),
        "Content-Type": "application/offset+octet-stream",
        ...(sum ? { "Upload-Checksum": sum } : {}),
      });
      for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
      request.upload.onprogress = (event) => this.options.onProgress?.(start + event.loaded);
      request.onload = () => {
        if (request.status >= 200 && request.status < 300) {
          resolve(Number(request.getResponseHeader("Upload-Offset")));
          return;
        }
        let message = `HTTP ${request.status}`;
        try {
          message = JSON.parse(request.responseText)?.error?.message || message;
        } catch {
          // not JSON
        }
        reject(new UploadError(message, request.status));
      };
      request.onerror = () => reject(new UploadError("the connection dropped", 0));
      request.onabort = () => reject(new Aborted("aborted"));
      request.send(chunk);
    });
  }
}

export { Aborted };
