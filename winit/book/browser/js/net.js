// @exports
// Network passes, activations, layer statistics and the mean-field theory lines.
