// @exports render
// The scheme explorer (stub until the shared fragments land).
function render({ model, el }) {}
