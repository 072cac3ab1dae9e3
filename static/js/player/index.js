// Starts a player on each element marked data-tolk-player (the watch and embed pages).

import { Player } from "./player.js";

for (const root of document.querySelectorAll("[data-tolk-player]")) {
  root.tolkPlayer = new Player(root);
}
