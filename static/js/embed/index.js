// The embed page (/embed/{id}): starts the player, applies the embed URL's options and opens
// the postMessage API to the page that frames it.

import "../player/index.js";
import { EmbedBridge } from "./bridge.js";
import { RemoteControl } from "./remote.js";

const config = JSON.parse(document.getElementById("tolk-embed-config").textContent);
const root = document.querySelector("[data-tolk-player]");
const remote = new RemoteControl(root.tolkPlayer);
remote.startWith(config.options);
new EmbedBridge(remote, config.frameAncestors).start();
