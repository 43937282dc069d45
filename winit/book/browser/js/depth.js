// @exports render
// The depth explorer (DepthExplorer in depth.py): a stub until the shared fragments land.

function render({ model, el }) {
  el.textContent = "depth explorer";
}
