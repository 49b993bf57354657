/**
 * Caps on what a model file may declare, checked from model.json before any weight byte is read
 * or any tensor is built, in the CLI and in the worker alike. The README lists them; every refusal
 * names the cap it hit. The largest shipped model (784-10000-10, 7,950,010 parameters) fits each
 * with room to spare.
 */

/** model.json itself: topology and manifest, never weights. */
export const MAX_MODEL_JSON_BYTES = 4 * 1024 * 1024;

/** All weight files of one model together (20 million float32 values and then some). */
export const MAX_WEIGHT_BYTES = 100_000_000;

/** Weights and biases of the declared network. */
export const MAX_PARAMETERS = 20_000_000;

/** Units of one hidden layer (the paper's MNIST width is 10,000). */
export const MAX_HIDDEN_WIDTH = 16_384;

/** Entries of the topology's layer list (Dense, Flatten, InputLayer, ...). */
export const MAX_TOPOLOGY_LAYERS = 64;

/** Weight files one model.json may list, and weight entries it may describe. */
export const MAX_WEIGHT_FILES = 256;
export const MAX_WEIGHT_ENTRIES = 1024;

/** Longest layer, weight or file name accepted; longer ones are refused rather than echoed. */
export const MAX_NAME_LENGTH = 200;

/** The caps as the README and error messages name them. */
export const MODEL_LIMITS = {
  MAX_MODEL_JSON_BYTES,
  MAX_WEIGHT_BYTES,
  MAX_PARAMETERS,
  MAX_HIDDEN_WIDTH,
  MAX_TOPOLOGY_LAYERS,
  MAX_WEIGHT_FILES,
  MAX_WEIGHT_ENTRIES,
  MAX_NAME_LENGTH,
} as const;
