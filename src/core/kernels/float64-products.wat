;; The layer problem's small products in float64 over a float32 H: U = H V and the residual
;; tracker's support updates P += H[:, j] (±V[j, :]).
;;
;; Compiled by scripts/build-kernels.ts (wabt, SIMD enabled) into a base64 constant that
;; float64-products.ts instantiates over a memory it imports; that file owns the layout.
;; Addresses are byte offsets into that memory.
;;
;; Every output element is summed in the same order, with the same float64 operations, as the
;; plain JavaScript loops in core/algebra.ts and layer-problem.ts (f32 widened to f64, products
;; exact in f64, added in increasing k / in the caller's list order, zeros of H skipped): the
;; results are bit for bit the same, so kept sets and residuals do not depend on which one ran.
;; Only the lanes are parallel: f64x2 lanes are output columns, never partial sums.
;;
;; Layout the kernel expects:
;;   H is row-major f32, `inner` values per row.
;;   V is packed strip-major in f64: strip s holds columns [12 s, 12 s + 12) of every row k as
;;   runs of 12 doubles (96 bytes), zero-padded past the last column; strips are `stripBytes`
;;   apart. Six f64x2 accumulators per strip keep six independent add chains in flight.
;;   U and P are row-major f64 with `strips * 12` columns (the padding columns stay zero).
(module
  (import "env" "memory" (memory 1))

  ;; Row `src` of H (`n` f32) as entries (i32 k * 96, f32 h) at `dst`, zeros left out (-0 is a
  ;; zero, NaN is not: as `value === 0` in JavaScript), in increasing k. Four values at a time:
  ;; their non-zero mask picks a byte selector from the 16 at `select` (compact-selectors.ts)
  ;; that moves the kept lanes of k and h to the front; both are stored whole and the write
  ;; pointer advances by the kept count. Then the last n mod 4 one by one, branch-free the same
  ;; way: every value is written, the pointer advances past non-zeros only. `dst` needs room for
  ;; n + 1 entries. Returns the end of the entries.
  (func $compact (param $src i32) (param $n i32) (param $dst i32) (param $select i32) (result i32)
    (local $end i32) (local $groupsEnd i32) (local $k v128) (local $v v128) (local $m i32) (local $sel v128)
    (local $kc v128) (local $vc v128) (local $ks i32) (local $x f32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $groupsEnd (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $k (v128.const i32x4 0 96 192 288))
    (if (i32.lt_u (local.get $src) (local.get $groupsEnd))
      (then
        (loop $group
          (local.set $v (v128.load (local.get $src)))
          (local.set $m (i32x4.bitmask (f32x4.ne (local.get $v) (v128.const f32x4 0 0 0 0))))
          (local.set $sel (v128.load (i32.add (local.get $select) (i32.shl (local.get $m) (i32.const 4)))))
          (local.set $kc (i8x16.swizzle (local.get $k) (local.get $sel)))
          (local.set $vc (i8x16.swizzle (local.get $v) (local.get $sel)))
          (v128.store offset=0 (local.get $dst)
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $kc) (local.get $vc)))
          (v128.store offset=16 (local.get $dst)
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $kc) (local.get $vc)))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.popcnt (local.get $m)) (i32.const 3))))
          (local.set $k (i32x4.add (local.get $k) (v128.const i32x4 384 384 384 384)))
          (br_if $group (i32.lt_u (local.tee $src (i32.add (local.get $src) (i32.const 16))) (local.get $groupsEnd))))))
    (local.set $ks (i32x4.extract_lane 0 (local.get $k)))
    (if (i32.lt_u (local.get $src) (local.get $end))
      (then
        (loop $col
          (local.set $x (f32.load (local.get $src)))
          (i32.store offset=0 (local.get $dst) (local.get $ks))
          (f32.store offset=4 (local.get $dst) (local.get $x))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (f32.ne (local.get $x) (f32.const 0)) (i32.const 3))))
          (local.set $ks (i32.add (local.get $ks) (i32.const 96)))
          (br_if $col (i32.lt_u (local.tee $src (i32.add (local.get $src) (i32.const 4))) (local.get $end))))))
    (local.get $dst))

  ;; U = H V for `rows` rows of H (`inner` columns) and `strips` strips of packed V.
  ;; `scratch` holds inner + 1 entries of 8 bytes; `select` the compaction selectors.
  (func (export "products")
    (param $h i32) (param $rows i32) (param $inner i32) (param $v i32) (param $stripBytes i32) (param $strips i32)
    (param $u i32) (param $scratch i32) (param $select i32)
    (local $i i32) (local $s i32) (local $end i32) (local $w i32) (local $p i32) (local $wk i32) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $strips))) (then (return)))
    (loop $row
      (local.set $end (call $compact (local.get $h) (local.get $inner) (local.get $scratch) (local.get $select)))
      (local.set $w (local.get $v))
      (local.set $s (i32.const 0))
      (loop $strip
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $a4 (v128.const i64x2 0 0))
        (local.set $a5 (v128.const i64x2 0 0))
        (local.set $p (local.get $scratch))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then
            (loop $entry
              (local.set $x (f64x2.promote_low_f32x4 (v128.load32_splat offset=4 (local.get $p))))
              (local.set $wk (i32.add (local.get $w) (i32.load offset=0 (local.get $p))))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $wk)))))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $wk)))))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $wk)))))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $wk)))))
              (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $wk)))))
              (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $x) (v128.load offset=80 (local.get $wk)))))
              (br_if $entry (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8))) (local.get $end))))))
        (v128.store offset=0 (local.get $u) (local.get $a0))
        (v128.store offset=16 (local.get $u) (local.get $a1))
        (v128.store offset=32 (local.get $u) (local.get $a2))
        (v128.store offset=48 (local.get $u) (local.get $a3))
        (v128.store offset=64 (local.get $u) (local.get $a4))
        (v128.store offset=80 (local.get $u) (local.get $a5))
        (local.set $u (i32.add (local.get $u) (i32.const 96)))
        (local.set $w (i32.add (local.get $w) (local.get $stripBytes)))
        (br_if $strip (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $strips))))
      (local.set $h (i32.add (local.get $h) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows)))))

  ;; P[i, :] += H[i, j] V'[j, :] for every row i and every entry of `list`, in list order:
  ;; `count` entries (i32 j * 4, i32 offset of row j of V' from the strip's start), where V' is V
  ;; for a neuron entering the support and -V for one leaving it (h (-v) = -(h v) exactly).
  ;; A zero H[i, j] adds nothing (its product is masked to +0, and P never holds -0: it starts
  ;; at +0 and only a sum of two -0 gives -0), so an infinite V next to a zero does no harm.
  (func (export "update")
    (param $h i32) (param $rows i32) (param $inner i32) (param $v i32) (param $stripBytes i32) (param $strips i32)
    (param $list i32) (param $count i32) (param $pOut i32)
    (local $i i32) (local $s i32) (local $w i32) (local $e i32) (local $end i32) (local $wk i32)
    (local $x v128) (local $m v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (if (i32.or (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $strips))) (i32.eqz (local.get $count))) (then (return)))
    (local.set $end (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))))
    (loop $row
      (local.set $w (local.get $v))
      (local.set $s (i32.const 0))
      (loop $strip
        (local.set $a0 (v128.load offset=0 (local.get $pOut)))
        (local.set $a1 (v128.load offset=16 (local.get $pOut)))
        (local.set $a2 (v128.load offset=32 (local.get $pOut)))
        (local.set $a3 (v128.load offset=48 (local.get $pOut)))
        (local.set $a4 (v128.load offset=64 (local.get $pOut)))
        (local.set $a5 (v128.load offset=80 (local.get $pOut)))
        (local.set $e (local.get $list))
        (loop $entry
          (local.set $x (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $h) (i32.load offset=0 (local.get $e))))))
          (local.set $m (f64x2.ne (local.get $x) (v128.const f64x2 0 0)))
          (local.set $wk (i32.add (local.get $w) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f64x2.add (local.get $a0) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $wk))))))
          (local.set $a1 (f64x2.add (local.get $a1) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $wk))))))
          (local.set $a2 (f64x2.add (local.get $a2) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $wk))))))
          (local.set $a3 (f64x2.add (local.get $a3) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $wk))))))
          (local.set $a4 (f64x2.add (local.get $a4) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $wk))))))
          (local.set $a5 (f64x2.add (local.get $a5) (v128.and (local.get $m) (f64x2.mul (local.get $x) (v128.load offset=80 (local.get $wk))))))
          (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (v128.store offset=0 (local.get $pOut) (local.get $a0))
        (v128.store offset=16 (local.get $pOut) (local.get $a1))
        (v128.store offset=32 (local.get $pOut) (local.get $a2))
        (v128.store offset=48 (local.get $pOut) (local.get $a3))
        (v128.store offset=64 (local.get $pOut) (local.get $a4))
        (v128.store offset=80 (local.get $pOut) (local.get $a5))
        (local.set $pOut (i32.add (local.get $pOut) (i32.const 96)))
        (local.set $w (i32.add (local.get $w) (local.get $stripBytes)))
        (br_if $strip (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $strips))))
      (local.set $h (i32.add (local.get $h) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows)))))

  ;; out[r, :] += h W'[c, :] for each listed column c of one block of the cached test activations
  ;; (core/model/sparse-activations: CSC, i32 column starts, u16 rows, f32 values) and each of
  ;; its non-zeros (r, h), in list order and entry order, as accumulateColumns does in
  ;; JavaScript. `list` holds `count` entries (i32 column j, i32 address of W' row, which holds
  ;; `strips` strips of 12 doubles with the sign already applied); rows of `out` are
  ;; `rowBytes` apart. The products are exact, so the sums are the same bits as that loop's.
  (func (export "accumulate")
    (param $colStart i32) (param $rowIndex i32) (param $values i32) (param $list i32) (param $count i32)
    (param $out i32) (param $rowBytes i32) (param $strips i32)
    (local $listEnd i32) (local $j i32) (local $w i32) (local $e i32) (local $end i32) (local $o i32)
    (local $wk i32) (local $s i32) (local $x v128)
    (if (i32.or (i32.eqz (local.get $count)) (i32.eqz (local.get $strips))) (then (return)))
    (local.set $listEnd (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))))
    (loop $column
      (local.set $j (i32.add (local.get $colStart) (i32.shl (i32.load offset=0 (local.get $list)) (i32.const 2))))
      (local.set $w (i32.load offset=4 (local.get $list)))
      (local.set $e (i32.load offset=0 (local.get $j)))
      (local.set $end (i32.load offset=4 (local.get $j)))
      (if (i32.lt_u (local.get $e) (local.get $end))
        (then
          (loop $entry
            (local.set $x (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))))))
            (local.set $o (i32.add (local.get $out)
              (i32.mul (i32.load16_u (i32.add (local.get $rowIndex) (i32.shl (local.get $e) (i32.const 1)))) (local.get $rowBytes))))
            (local.set $wk (local.get $w))
            (local.set $s (local.get $strips))
            (loop $strip
              (v128.store offset=0 (local.get $o) (f64x2.add (v128.load offset=0 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $wk)))))
              (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $wk)))))
              (v128.store offset=32 (local.get $o) (f64x2.add (v128.load offset=32 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $wk)))))
              (v128.store offset=48 (local.get $o) (f64x2.add (v128.load offset=48 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $wk)))))
              (v128.store offset=64 (local.get $o) (f64x2.add (v128.load offset=64 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $wk)))))
              (v128.store offset=80 (local.get $o) (f64x2.add (v128.load offset=80 (local.get $o)) (f64x2.mul (local.get $x) (v128.load offset=80 (local.get $wk)))))
              (local.set $o (i32.add (local.get $o) (i32.const 96)))
              (local.set $wk (i32.add (local.get $wk) (i32.const 96)))
              (br_if $strip (local.tee $s (i32.sub (local.get $s) (i32.const 1)))))
            (br_if $entry (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 1))) (local.get $end))))))
      (br_if $column (i32.lt_u (local.tee $list (i32.add (local.get $list) (i32.const 8))) (local.get $listEnd)))))

  ;; H (`rows x inner` f32, row-major) column by column, in the block form `accumulate` walks:
  ;; i32 column starts, u16 rows (ascending within a column), f32 values; zeros are left out (-0
  ;; too, NaN kept). Three steps, the first and last called on consecutive chunks of rows (the
  ;; caller's loop lets V8 switch a long first run from Liftoff to optimized code between calls):
  ;;   column_counts  adds each column's non-zeros in rows [row0, row0 + rows) to colStart[k + 1]
  ;;                  (colStart zeroed by the caller first);
  ;;   column_starts  turns the counts into starts, next[k] = colStart[k];
  ;;   column_fill    appends rows [row0, row0 + rows) (H given at row0) using next.
  ;; Rows must fit 16 bits.
  (func (export "column_counts") (param $h i32) (param $rows i32) (param $inner i32) (param $colStart i32)
    (local $i i32) (local $k i32) (local $e i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $inner))) (then (return)))
    (loop $row
      (local.set $k (i32.const 0))
      (local.set $e (i32.add (local.get $colStart) (i32.const 4)))
      (loop $col
        (i32.store (local.get $e) (i32.add (i32.load (local.get $e)) (f32.ne (f32.load (local.get $h)) (f32.const 0))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br_if $col (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $inner))))
      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows)))))

  (func (export "column_starts") (param $inner i32) (param $colStart i32) (param $next i32)
    (local $k i32) (local $sum i32)
    (if (i32.eqz (local.get $inner)) (then (return)))
    (loop $prefix
      (i32.store (local.get $next) (local.get $sum))
      (local.set $sum (i32.add (local.get $sum) (i32.load offset=4 (local.get $colStart))))
      (i32.store offset=4 (local.get $colStart) (local.get $sum))
      (local.set $next (i32.add (local.get $next) (i32.const 4)))
      (local.set $colStart (i32.add (local.get $colStart) (i32.const 4)))
      (br_if $prefix (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $inner)))))

  (func (export "column_fill")
    (param $h i32) (param $row0 i32) (param $rows i32) (param $inner i32) (param $rowIndex i32) (param $values i32) (param $next i32)
    (local $i i32) (local $end i32) (local $k i32) (local $v f32) (local $e i32) (local $count i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $inner))) (then (return)))
    (local.set $i (local.get $row0))
    (local.set $end (i32.add (local.get $row0) (local.get $rows)))
    (loop $row
      (local.set $k (i32.const 0))
      (local.set $e (local.get $next))
      (loop $col
        (local.set $v (f32.load (local.get $h)))
        (if (f32.ne (local.get $v) (f32.const 0))
          (then
            (local.set $count (i32.load (local.get $e)))
            (i32.store (local.get $e) (i32.add (local.get $count) (i32.const 1)))
            (i32.store16 (i32.add (local.get $rowIndex) (i32.shl (local.get $count) (i32.const 1))) (local.get $i))
            (f32.store (i32.add (local.get $values) (i32.shl (local.get $count) (i32.const 2))) (local.get $v))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br_if $col (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $inner))))
      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $end)))))

  ;; i-SpaSP's importance through its closed form, z = V V^T (hbar - hbar_S), as ispaspImportance
  ;; computes it in JavaScript (the same operations in the same order): `projected` (12 doubles)
  ;; = sum over j outside S (mask[j] = 0) with hbar_j != 0 of V[j, :] hbar_j, in increasing j;
  ;; then out[j] = sum over k < outputs of V[j, k] projected[k], in increasing k. V is the packed
  ;; one-strip form (outputs <= 12); `sums` holds hbar (f64), `mask` one byte per neuron.
  (func (export "importance")
    (param $v i32) (param $units i32) (param $outputs i32) (param $sums i32) (param $mask i32) (param $projected i32) (param $out i32)
    (local $j i32) (local $k i32) (local $wk i32) (local $x v128) (local $sum f64) (local $dot f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (if (i32.eqz (local.get $units)) (then (return)))
    (loop $project
      (if (i32.eqz (i32.load8_u (i32.add (local.get $mask) (local.get $j))))
        (then
          (local.set $sum (f64.load (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 3)))))
          (if (f64.ne (local.get $sum) (f64.const 0))
            (then
              (local.set $x (f64x2.splat (local.get $sum)))
              (local.set $wk (i32.add (local.get $v) (i32.mul (local.get $j) (i32.const 96))))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $wk)) (local.get $x))))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $wk)) (local.get $x))))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $wk)) (local.get $x))))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $wk)) (local.get $x))))
              (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (v128.load offset=64 (local.get $wk)) (local.get $x))))
              (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (v128.load offset=80 (local.get $wk)) (local.get $x))))))))
      (br_if $project (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $units))))
    (v128.store offset=0 (local.get $projected) (local.get $a0))
    (v128.store offset=16 (local.get $projected) (local.get $a1))
    (v128.store offset=32 (local.get $projected) (local.get $a2))
    (v128.store offset=48 (local.get $projected) (local.get $a3))
    (v128.store offset=64 (local.get $projected) (local.get $a4))
    (v128.store offset=80 (local.get $projected) (local.get $a5))
    (local.set $j (i32.const 0))
    (local.set $wk (local.get $v))
    (loop $dots
      (local.set $dot (f64.const 0))
      (local.set $k (i32.const 0))
      (if (local.get $outputs)
        (then
          (loop $terms
            (local.set $dot (f64.add (local.get $dot)
              (f64.mul (f64.load (i32.add (local.get $wk) (i32.shl (local.get $k) (i32.const 3))))
                       (f64.load (i32.add (local.get $projected) (i32.shl (local.get $k) (i32.const 3)))))))
            (br_if $terms (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $outputs))))))
      (f64.store (local.get $out) (local.get $dot))
      (local.set $out (i32.add (local.get $out) (i32.const 8)))
      (local.set $wk (i32.add (local.get $wk) (i32.const 96)))
      (br_if $dots (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $units)))))
)
