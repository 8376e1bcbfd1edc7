// Keyboard: 1-9 accept a candidate, e or / type a value (Enter sets it, Esc leaves the box),
// c keep as printed, s skip, n next, u undo, r reopen, o overrule. Keys act on the elements marked data-key.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.matches("input, textarea, select")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "e" || event.key === "/") {
    const box = document.getElementById("value");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
    return;
  }
  const el = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (el) {
    event.preventDefault();
    el.click();
  }
});

// One comment box serves every answer form; "keep as printed" on a group item keeps the chosen field.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const comment = document.getElementById("comment");
  if (comment && form.elements.comment && form.elements.comment.type === "hidden") {
    form.elements.comment.value = comment.value;
  }
  const keep = form.querySelector("#keep-field");
  const chosen = document.querySelector("#set-form select[name=field]");
  if (keep && chosen) keep.value = chosen.value;
});

// The evidence in view: the source pane fills the window below its top (whatever the message above it
// takes) and scrolls so that the outlined cell sits in its middle.
window.addEventListener("load", () => {
  const pane = document.getElementById("source");
  if (!pane) return;
  pane.style.maxHeight = `${Math.max(200, window.innerHeight - pane.getBoundingClientRect().top - 8)}px`;
  const cell = pane.querySelector(".box.primary, td.primary");
  if (!cell) return;
  const paneBox = pane.getBoundingClientRect();
  const cellBox = cell.getBoundingClientRect();
  pane.scrollTop += cellBox.top - paneBox.top - (pane.clientHeight - cellBox.height) / 2;
  // Sideways only as far as the cell needs: the row's labels on the left stay in view where they can.
  const overflow = cellBox.right - (paneBox.left + pane.clientWidth) + 24;
  if (overflow > 0) pane.scrollLeft += Math.min(overflow, cellBox.left - paneBox.left);
});
