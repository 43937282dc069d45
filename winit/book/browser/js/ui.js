// @exports
// Controls: labelled sliders and number boxes, selects, buttons, the text said to screen readers.
