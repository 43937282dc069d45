// @exports render
// The training explorer: a small network trained live in the page (written against the shared fragments).
function render({ model, el }) {
  el.textContent = "";
}
