// After a form is sent, focus goes to what the page has to say about it (an error summary, a
// notice, a report), so a screen reader reads it at once and keyboard users start there.

document.querySelector("[data-focus-on-load]")?.focus();
