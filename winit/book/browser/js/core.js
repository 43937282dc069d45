// @exports VERSION
// Shared numerics: seeded generator, samplers, schemes, activations, network passes, theory.
const VERSION = "0";
