// Uploads one file to a tus server with tus-js-client (npm), as an independent client would.
// Usage: node upload.mjs '<json options>'; options: endpoint, token, file, metadata, chunkSize,
// uploadDataDuringCreation, retryDelays. Prints one JSON line per event (progress after each
// chunk the server confirmed, then success or error) and exits 0 on success, 1 on failure.
import { readFileSync } from "node:fs";
import { Upload } from "tus-js-client";

const options = JSON.parse(process.argv[2]);
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const upload = new Upload(readFileSync(options.file), {
  endpoint: options.endpoint,
  headers: { Authorization: `Bearer ${options.token}` },
  metadata: options.metadata,
  chunkSize: options.chunkSize ?? Infinity,
  uploadDataDuringCreation: options.uploadDataDuringCreation ?? false,
  retryDelays: options.retryDelays ?? [0, 500, 1000],
  onChunkComplete: (_size, accepted, total) => say({ event: "chunk", offset: accepted, total }),
  onSuccess: () => {
    say({ event: "success", url: upload.url });
    process.exit(0);
  },
  onError: (error) => {
    say({ event: "error", message: String(error), status: error.originalResponse?.getStatus() ?? 0 });
    process.exit(1);
  },
});
upload.start();
