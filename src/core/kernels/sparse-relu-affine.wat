;; H = relu(X W + b) for a sparse X, with per-column sums of H in float64.
;;
;; Compiled by scripts/build-kernels.ts (wabt, SIMD enabled) into a base64 constant that
;; sparse-relu-affine.ts instantiates; that file owns the memory layout. Addresses are byte
;; offsets into the one exported memory.
;;
;; Layout the kernel expects:
;;   W is packed strip-major: strip s holds columns [32 s, 32 s + 32) of every input row k as
;;   `inputs` runs of 32 floats (128 bytes, two cache lines), then one run of zeros (row
;;   `inputs`), so one strip is a contiguous `(inputs + 1) * 128` byte block that stays in cache
;;   while every row of X streams past it.
;;   X is CSR, split into panels of input rows (k in [p P, p P + P)), each panel with its own row
;;   pointers; entries are interleaved (i32 k * 128, f32 x): k pre-scaled to its byte offset in a
;;   strip. A panel's slice of a strip (P * 128 bytes, ~25 KiB) fits L1; a whole strip (100 KiB
;;   for MNIST) does not, and streaming it from L2 cost ~10% (Zen 4).
;;   Each row's entries in a panel come in an even number, so that `strip` takes two at a time:
;;   an odd count is followed by the padding entry (k = inputs, x = -0). Its product is
;;   -0 * 0 = -0, and s + -0 is s exactly for every s (a -0 sum included), so it changes no bit.
;;
;; Why 32 columns: V8 (11 and 12, x64) folds no load into a SIMD multiply, so each f32x4
;; multiply-add costs three instructions (load, mul, add) and each entry three more (the splat,
;; the offset's load and add) plus the loop's: the wider the strip, the fewer instructions per
;; multiply-add. The inner loop keeps eight f32x4 accumulators in registers and loads W's eight
;; vectors in two halves of four, with a never-taken branch between them: without it V8 loads all
;; eight before the first product and spills (8 + 8 + 1 registers of the 15 it allocates). 32
;; columns took a one-thread pass of 784-1024-10 from 11.0 to 10.2-10.5 ms against 24 (six
;; accumulators, no split); the add latency is covered by the eight independent chains. Two
;; entries per loop iteration save a loop check and V8's per-iteration stack check per pair.
(module
  (memory (export "memory") 1)

  ;; Copies `strips` strips of 32 floats from row-major `src` (row stride `ld` bytes, `rows`
  ;; rows, at least `strips * 128` bytes per row) to strip-major `dst`.
  (func (export "pack")
    (param $src i32) (param $ld i32) (param $rows i32) (param $strips i32) (param $dst i32)
    (local $k i32) (local $s i32) (local $from i32) (local $to i32) (local $stripBytes i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $strips))) (then (return)))
    (local.set $stripBytes (i32.mul (local.get $rows) (i32.const 128)))
    ;; Row by row, so the source is read in memory order.
    (loop $row
      (local.set $from (local.get $src))
      (local.set $to (local.get $dst))
      (local.set $s (i32.const 0))
      (loop $strip
        (v128.store offset=0 (local.get $to) (v128.load offset=0 (local.get $from)))
        (v128.store offset=16 (local.get $to) (v128.load offset=16 (local.get $from)))
        (v128.store offset=32 (local.get $to) (v128.load offset=32 (local.get $from)))
        (v128.store offset=48 (local.get $to) (v128.load offset=48 (local.get $from)))
        (v128.store offset=64 (local.get $to) (v128.load offset=64 (local.get $from)))
        (v128.store offset=80 (local.get $to) (v128.load offset=80 (local.get $from)))
        (v128.store offset=96 (local.get $to) (v128.load offset=96 (local.get $from)))
        (v128.store offset=112 (local.get $to) (v128.load offset=112 (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.const 128)))
        (local.set $to (i32.add (local.get $to) (local.get $stripBytes)))
        (br_if $strip (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $strips))))
      (local.set $src (i32.add (local.get $src) (local.get $ld)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
      (br_if $row (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $rows)))))

  ;; Builds the panelled, interleaved CSR that `strip` reads from plain CSR arrays:
  ;;   $starts  rows + 1 i32 entry indices (the block's rowStart, rebased to 0)
  ;;   $cols    i32 column indices, $vals f32 values, indexed by entry
  ;;   $dst     receives the entries, panel after panel, rows in order within a panel
  ;;   $rowptr  receives panels * (rows + 1) i32 addresses: panel p's row i is
  ;;            [rowptr[p (rows + 1) + i], rowptr[p (rows + 1) + i + 1])
  ;; Returns the index of the first entry whose column is outside 0..$inputs-1 (then nothing
  ;; else is guaranteed), or -1.
  (func (export "entries")
    (param $starts i32) (param $cols i32) (param $vals i32) (param $rows i32) (param $inputs i32)
    (param $panelRows i32) (param $panels i32) (param $dst i32) (param $rowptr i32)
    (result i32)
    (local $count i32) (local $e i32) (local $k i32) (local $p i32) (local $lo i32) (local $i i32)
    (local $end i32) (local $pad i32) (local $first i32)
    ;; Check every column once, up front.
    (local.set $pad (i32.mul (local.get $inputs) (i32.const 128)))
    (local.set $count (i32.load (i32.add (local.get $starts) (i32.shl (local.get $rows) (i32.const 2)))))
    (block $checked
      (br_if $checked (i32.eqz (local.get $count)))
      (loop $check
        (if (i32.ge_u (i32.load (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2)))) (local.get $inputs))
          (then (return (local.get $e))))
        (br_if $check (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 1))) (local.get $count)))))
    (loop $panel
      (local.set $lo (i32.mul (local.get $p) (local.get $panelRows)))
      (local.set $i (i32.const 0))
      (loop $row
        (i32.store (local.get $rowptr) (local.get $dst))
        (local.set $rowptr (i32.add (local.get $rowptr) (i32.const 4)))
        (local.set $first (local.get $dst))
        (block $row_done
          (local.set $e (i32.load (local.get $starts)))
          (local.set $end (i32.load offset=4 (local.get $starts)))
          (br_if $row_done (i32.ge_u (local.get $e) (local.get $end)))
          (loop $entry
            ;; k - lo <u panelRows: k in this panel.
            (local.set $k (i32.load (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2)))))
            (if (i32.lt_u (i32.sub (local.get $k) (local.get $lo)) (local.get $panelRows))
              (then
                (i32.store offset=0 (local.get $dst) (i32.mul (local.get $k) (i32.const 128)))
                (i32.store offset=4 (local.get $dst) (i32.load (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 2)))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 8)))))
            (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 1))) (local.get $end)))))
        ;; An odd count gets the padding entry (see `strip`): written always, kept when odd.
        (i32.store offset=0 (local.get $dst) (local.get $pad))
        (i32.store offset=4 (local.get $dst) (i32.const 0x80000000))
        (local.set $dst (i32.add (local.get $dst) (i32.and (i32.sub (local.get $dst) (local.get $first)) (i32.const 8))))
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows))))
      ;; The panel's end pointer, then back to the first row for the next panel.
      (i32.store (local.get $rowptr) (local.get $dst))
      (local.set $rowptr (i32.add (local.get $rowptr) (i32.const 4)))
      (local.set $starts (i32.sub (local.get $starts) (i32.shl (local.get $rows) (i32.const 2))))
      (br_if $panel (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $panels))))
    (i32.const -1))

  ;; The same panelled, interleaved entries as `entries`, straight from a dense row-major block
  ;; ($src: `rows` rows of `inputs` f32): no CSR in between. Zeros are left out (NaN counts as
  ;; non-zero, -0 as zero); columns come out in increasing order within a row. Four values at a
  ;; time: their non-zero mask picks a byte selector from the 16 at $select (compact-selectors.ts)
  ;; that moves the kept lanes of k and x to the front; both are stored whole and the write pointer
  ;; advances by the kept count, so there is no data-dependent branch to mispredict on MNIST's
  ;; irregular zero pattern. A panel's last values (fewer than four) go one by one, branch-free
  ;; the same way. Writes stay within one entry per value of the block at $dst.
  (func (export "dense_entries")
    (param $src i32) (param $rows i32) (param $inputs i32) (param $panelRows i32) (param $panels i32)
    (param $dst i32) (param $rowptr i32) (param $select i32)
    (local $p i32) (local $i i32) (local $k i32) (local $hi i32) (local $lo i32) (local $row i32)
    (local $v f32) (local $at i32) (local $groupsEnd i32) (local $end i32) (local $kv v128) (local $x v128)
    (local $m i32) (local $sel v128) (local $kc v128) (local $xc v128) (local $pad i32) (local $first i32)
    (if (i32.eqz (local.get $panels)) (then (return)))
    (local.set $pad (i32.mul (local.get $inputs) (i32.const 128)))
    (loop $panel
      (local.set $lo (i32.mul (local.get $p) (local.get $panelRows)))
      (local.set $hi (i32.add (local.get $lo) (local.get $panelRows)))
      (if (i32.gt_u (local.get $hi) (local.get $inputs)) (then (local.set $hi (local.get $inputs))))
      (local.set $row (local.get $src))
      (local.set $i (i32.const 0))
      (block $rows_done
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (loop $row_loop
          (i32.store (local.get $rowptr) (local.get $dst))
          (local.set $rowptr (i32.add (local.get $rowptr) (i32.const 4)))
          (local.set $first (local.get $dst))
          (local.set $at (i32.add (local.get $row) (i32.shl (local.get $lo) (i32.const 2))))
          (local.set $end (i32.add (local.get $row) (i32.shl (local.get $hi) (i32.const 2))))
          (local.set $groupsEnd (i32.sub (local.get $end)
            (i32.shl (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const 3)) (i32.const 2))))
          (local.set $kv (i32x4.add (i32x4.splat (i32.mul (local.get $lo) (i32.const 128))) (v128.const i32x4 0 128 256 384)))
          (if (i32.lt_u (local.get $at) (local.get $groupsEnd))
            (then
              (loop $group
                (local.set $x (v128.load (local.get $at)))
                (local.set $m (i32x4.bitmask (f32x4.ne (local.get $x) (v128.const f32x4 0 0 0 0))))
                (local.set $sel (v128.load (i32.add (local.get $select) (i32.shl (local.get $m) (i32.const 4)))))
                (local.set $kc (i8x16.swizzle (local.get $kv) (local.get $sel)))
                (local.set $xc (i8x16.swizzle (local.get $x) (local.get $sel)))
                (v128.store offset=0 (local.get $dst)
                  (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $kc) (local.get $xc)))
                (v128.store offset=16 (local.get $dst)
                  (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $kc) (local.get $xc)))
                (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.popcnt (local.get $m)) (i32.const 3))))
                (local.set $kv (i32x4.add (local.get $kv) (v128.const i32x4 512 512 512 512)))
                (br_if $group (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $groupsEnd))))))
          (local.set $k (i32x4.extract_lane 0 (local.get $kv)))
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then
              (loop $col
                (local.set $v (f32.load (local.get $at)))
                (i32.store offset=0 (local.get $dst) (local.get $k))
                (f32.store offset=4 (local.get $dst) (local.get $v))
                (local.set $dst (i32.add (local.get $dst) (i32.shl (f32.ne (local.get $v) (f32.const 0)) (i32.const 3))))
                (local.set $k (i32.add (local.get $k) (i32.const 128)))
                (br_if $col (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 4))) (local.get $end))))))
          ;; An odd count gets the padding entry (see `strip`): written always, kept when odd.
          (i32.store offset=0 (local.get $dst) (local.get $pad))
          (i32.store offset=4 (local.get $dst) (i32.const 0x80000000))
          (local.set $dst (i32.add (local.get $dst) (i32.and (i32.sub (local.get $dst) (local.get $first)) (i32.const 8))))
          (local.set $row (i32.add (local.get $row) (i32.shl (local.get $inputs) (i32.const 2))))
          (br_if $row_loop (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows)))))
      (i32.store (local.get $rowptr) (local.get $dst))
      (local.set $rowptr (i32.add (local.get $rowptr) (i32.const 4)))
      (br_if $panel (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $panels)))))

  ;; Reads one word of every cache line in [$at, $at + $bytes) and returns their xor (so that no
  ;; compiler drops the loads): WebAssembly has no prefetch instruction, and a strip read this
  ;; way, many independent loads in flight, arrives from memory at its bandwidth, where the
  ;; kernel's own first reads of it (row by row, each waiting on the entry before) arrive at its
  ;; latency. A W too big for the caches (784-10000-10: 31 MB packed) is read again for every
  ;; block of rows; reading each strip ahead took that layer's pass on 2 threads from 66-80 to
  ;; 56-64 ms. $bytes is a positive multiple of 128 (a strip: one row of W is 128 bytes).
  (func (export "prefetch") (param $at i32) (param $bytes i32) (result i32)
    (local $end i32) (local $acc i32)
    (local.set $end (i32.add (local.get $at) (local.get $bytes)))
    (loop $line
      (local.set $acc (i32.xor (local.get $acc) (i32.load (local.get $at))))
      (local.set $acc (i32.xor (local.get $acc) (i32.load offset=64 (local.get $at))))
      (br_if $line (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 128))) (local.get $end))))
    (local.get $acc))

  ;; One strip of 32 columns, one panel, for `rows` rows of X:
  ;;   $rowptr  the panel's rows + 1 entry addresses
  ;;   $w       the strip's packed W block (all input rows: entries carry absolute offsets)
  ;;   $init    the 32 starting sums of row 0: the strip's biases (first panel, $initStride 0)
  ;;            or the partial sums the previous panel left in H ($initStride = $ldh)
  ;;   $h       row 0 of the strip in H; rows $ldh bytes apart
  ;;   $sums    the strip's 32 f64 column sums, added to (last panel only)
  ;;   $last    non-zero for the last panel: apply ReLU and add to $sums; else store raw sums
  ;; Called once per strip and panel, which also lets V8's tier-up (Liftoff -> TurboFan, which
  ;; takes effect between calls) speed up a long first run early.
  (func (export "strip")
    (param $rowptr i32) (param $rows i32) (param $w i32) (param $init i32) (param $initStride i32)
    (param $h i32) (param $ldh i32) (param $sums i32) (param $last i32)
    (local $end i32) (local $p i32) (local $pend i32) (local $wk i32) (local $x v128) (local $t v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (if (i32.eqz (local.get $rows)) (then (return)))
    (local.set $end (i32.add (local.get $rowptr) (i32.shl (local.get $rows) (i32.const 2))))
    (loop $row
      ;; Loaded per row (from L1), not kept in registers: eight more live vectors would spill.
      (local.set $a0 (v128.load offset=0 (local.get $init)))
      (local.set $a1 (v128.load offset=16 (local.get $init)))
      (local.set $a2 (v128.load offset=32 (local.get $init)))
      (local.set $a3 (v128.load offset=48 (local.get $init)))
      (local.set $a4 (v128.load offset=64 (local.get $init)))
      (local.set $a5 (v128.load offset=80 (local.get $init)))
      (local.set $a6 (v128.load offset=96 (local.get $init)))
      (local.set $a7 (v128.load offset=112 (local.get $init)))
      (local.set $p (i32.load offset=0 (local.get $rowptr)))
      (local.set $pend (i32.load offset=4 (local.get $rowptr)))
      (if (i32.lt_u (local.get $p) (local.get $pend))
        (then
          ;; Two entries per iteration: a row's entries in a panel come in even numbers.
          (block $pairs_done
          (loop $entry
            (local.set $x (v128.load32_splat offset=4 (local.get $p)))
            (local.set $wk (i32.add (local.get $w) (i32.load offset=0 (local.get $p))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $wk)) (local.get $x))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $wk)) (local.get $x))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $wk)) (local.get $x))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $wk)) (local.get $x))))
            ;; Never taken (W lies past the helpers' control block, never at 0); without a branch
            ;; here V8 loads all eight W vectors before the first product and spills accumulators.
            (br_if $pairs_done (i32.eqz (local.get $wk)))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=64 (local.get $wk)) (local.get $x))))
            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=80 (local.get $wk)) (local.get $x))))
            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=96 (local.get $wk)) (local.get $x))))
            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=112 (local.get $wk)) (local.get $x))))
            (br_if $pairs_done (i32.ge_u (local.tee $p (i32.add (local.get $p) (i32.const 8))) (local.get $pend)))
            (local.set $x (v128.load32_splat offset=4 (local.get $p)))
            (local.set $wk (i32.add (local.get $w) (i32.load offset=0 (local.get $p))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $wk)) (local.get $x))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $wk)) (local.get $x))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $wk)) (local.get $x))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $wk)) (local.get $x))))
            ;; Never taken, as above.
            (br_if $pairs_done (i32.eqz (local.get $wk)))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=64 (local.get $wk)) (local.get $x))))
            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=80 (local.get $wk)) (local.get $x))))
            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=96 (local.get $wk)) (local.get $x))))
            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=112 (local.get $wk)) (local.get $x))))
            (br_if $entry (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8))) (local.get $pend)))))))
      (if (local.get $last)
        (then
          ;; ReLU (pmax is one maxps; a NaN sum stays NaN), store, add to the f64 sums.
          (local.set $t (f32x4.pmax (local.get $a0) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=0 (local.get $h) (local.get $t))
          (v128.store offset=0 (local.get $sums) (f64x2.add (v128.load offset=0 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=16 (local.get $sums) (f64x2.add (v128.load offset=16 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a1) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=16 (local.get $h) (local.get $t))
          (v128.store offset=32 (local.get $sums) (f64x2.add (v128.load offset=32 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=48 (local.get $sums) (f64x2.add (v128.load offset=48 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a2) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=32 (local.get $h) (local.get $t))
          (v128.store offset=64 (local.get $sums) (f64x2.add (v128.load offset=64 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=80 (local.get $sums) (f64x2.add (v128.load offset=80 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a3) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=48 (local.get $h) (local.get $t))
          (v128.store offset=96 (local.get $sums) (f64x2.add (v128.load offset=96 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=112 (local.get $sums) (f64x2.add (v128.load offset=112 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a4) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=64 (local.get $h) (local.get $t))
          (v128.store offset=128 (local.get $sums) (f64x2.add (v128.load offset=128 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=144 (local.get $sums) (f64x2.add (v128.load offset=144 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a5) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=80 (local.get $h) (local.get $t))
          (v128.store offset=160 (local.get $sums) (f64x2.add (v128.load offset=160 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=176 (local.get $sums) (f64x2.add (v128.load offset=176 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a6) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=96 (local.get $h) (local.get $t))
          (v128.store offset=192 (local.get $sums) (f64x2.add (v128.load offset=192 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=208 (local.get $sums) (f64x2.add (v128.load offset=208 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))
          (local.set $t (f32x4.pmax (local.get $a7) (v128.const f32x4 0 0 0 0)))
          (v128.store offset=112 (local.get $h) (local.get $t))
          (v128.store offset=224 (local.get $sums) (f64x2.add (v128.load offset=224 (local.get $sums)) (f64x2.promote_low_f32x4 (local.get $t))))
          (v128.store offset=240 (local.get $sums) (f64x2.add (v128.load offset=240 (local.get $sums))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))))))
        (else
          (v128.store offset=0 (local.get $h) (local.get $a0))
          (v128.store offset=16 (local.get $h) (local.get $a1))
          (v128.store offset=32 (local.get $h) (local.get $a2))
          (v128.store offset=48 (local.get $h) (local.get $a3))
          (v128.store offset=64 (local.get $h) (local.get $a4))
          (v128.store offset=80 (local.get $h) (local.get $a5))
          (v128.store offset=96 (local.get $h) (local.get $a6))
          (v128.store offset=112 (local.get $h) (local.get $a7))))
      (local.set $h (i32.add (local.get $h) (local.get $ldh)))
      (local.set $init (i32.add (local.get $init) (local.get $initStride)))
      (br_if $row (i32.lt_u (local.tee $rowptr (i32.add (local.get $rowptr) (i32.const 4))) (local.get $end)))))
)
