/**
 * Byte selectors for compacting four 32-bit lanes with `i8x16.swizzle` (the kernels' `compact`
 * loops): selector m (16 bytes at m * 16) moves the lanes whose bit is set in the 4-bit mask m to
 * the front, in lane order; the remaining lanes select nothing (byte 0x80: zero). The kernels read
 * them from their memory, where the owning TypeScript writes this table.
 */
export const COMPACT_SELECTOR_BYTES = 256;

export const COMPACT_SELECTORS: Uint8Array = (() => {
  const table = new Uint8Array(COMPACT_SELECTOR_BYTES).fill(0x80);
  for (let mask = 0; mask < 16; mask++) {
    let out = 0;
    for (let lane = 0; lane < 4; lane++) {
      if ((mask >> lane) & 1) {
        for (let b = 0; b < 4; b++) table[mask * 16 + out * 4 + b] = lane * 4 + b;
        out++;
      }
    }
  }
  return table;
})();
