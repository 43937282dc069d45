// @exports
// Seeded generator, samplers, initialisation schemes, the normal distribution.
