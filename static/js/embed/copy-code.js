// The watch page's embed code box: a button that copies the code, saying so in its status line.
// Without JavaScript the button stays hidden and the code can be selected and copied as text.

for (const box of document.querySelectorAll(".embed-box")) {
  const code = box.querySelector("textarea");
  const button = box.querySelector(".embed-copy");
  const status = box.querySelector("[role=status]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = button.dataset.copied;
    } catch {
      code.focus();
      code.select();
      status.textContent = button.dataset.failed;
    }
  });
}
