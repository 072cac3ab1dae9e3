// The embed demo host page (/embed/{id}/demo): what a host page writes, one TolkEmbed per
// iframe, commands out and events in. A file of its own, since Tolk's pages run no inline script.
const player = new TolkEmbed(document.querySelector("iframe"));
const log = document.getElementById("events");
const captions = document.getElementById("captions");
const sign = document.getElementById("sign");
const descriptions = document.getElementById("descriptions");
const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

function note(text) {
  const line = document.createElement("li");
  line.textContent = text;
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

function show(state) {
  captions.value = state.captions || "off";
  if (sign) sign.checked = state.sign;
  if (descriptions) descriptions.value = !state.descriptions ? "off" : state.descriptionsExtended ? "extended" : "on";
}

const describe = {
  captionschange: (state) => `captionschange: ${state.captions || "off"}`,
  signchange: (state) => `signchange: ${state.sign}`,
  descriptionschange: (state) => `descriptionschange: ${state.descriptions}${state.descriptionsExtended ? " (extended)" : ""}`,
  error: (state, message) => `error: ${message.command}: ${message.message}`,
};
for (const name of ["ready", "play", "pause", "seeked", "ended", "captionschange", "signchange", "descriptionschange", "error"]) {
  player.on(name, (state, message) => {
    note(describe[name] ? describe[name](state, message) : `${name} ${minutes(state.currentTime)}`);
    show(state);
  });
}
player.on("timeupdate", (state) => {
  document.getElementById("time").textContent = minutes(state.currentTime);
});

document.getElementById("play").addEventListener("click", () => player.play());
document.getElementById("pause").addEventListener("click", () => player.pause());
const seek = document.getElementById("seek");
seek.addEventListener("click", () => player.seek(Number(seek.dataset.seconds)));
captions.addEventListener("change", () => player.setCaptions(captions.value));
sign?.addEventListener("change", () => player.setSign(sign.checked));
descriptions?.addEventListener("change", () => player.setDescriptions(descriptions.value));
