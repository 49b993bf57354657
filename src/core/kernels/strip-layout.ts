/**
 * The sparse ReLU-affine kernel's strip: output columns per strip, its register block of eight
 * f32x4 accumulators (see sparse-relu-affine.wat for why 32). The kernel's byte offsets and the
 * helper threads' strip addresses follow from it.
 */
export const STRIP_WIDTH = 32;
/** Bytes of one row of a strip, in packed W and in H. */
export const STRIP_BYTES = STRIP_WIDTH * 4;
