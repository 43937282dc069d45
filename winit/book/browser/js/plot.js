// @exports
// Drawing: SVG charts (axes, lines, histograms) and a canvas heat map.
