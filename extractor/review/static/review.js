// Keyboard: 1-9 accept a candidate, e or / type a value (Enter sets it, Esc leaves the box),
// c keep as printed, s skip, n next, u undo. Keys act on the elements marked data-key.
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
