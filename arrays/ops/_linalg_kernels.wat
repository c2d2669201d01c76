;; The linear-algebra kernels of the array operations (matmul's multiply-accumulate and dot), with
;; WebAssembly SIMD, for f32 (f32x4) and f64 (f64x2). `deno task build:wasm` assembles it into
;; _linalg_kernels_wat.ts (see scripts/build_wasm.ts for the `;; @each-type` template
;; and the `{{…}}` placeholders).
;;
;; Addresses are byte offsets into the imported memory, strides are in elements; the caller
;; validated every argument.
(module
  (import "env" "memory" (memory 0))

  ;; @each-type f32 f64
  ;; gemm_{{t}}(m, n, k, a, as0, as1, b, bs, c, cs): c[i, j] += Σ_p a[i·as0 + p·as1] ·
  ;; b[p·bs + j] for i < m, j < n, p < k: `a` has any strides, `b` and `c` contiguous rows (bs
  ;; and cs elements apart); c must not overlap a or b.
  ;;
  ;; Blocks of 4 rows × {{2*l}} columns keep their 8 vectors of sums in registers over all k:
  ;; per p, four splats of a and two loads of b for eight multiply-adds. Columns past the last
  ;; full block, and rows past the last block of 4, go one row at a time (axpy_rows).
  (func $gemm_{{t}} (export "gemm_{{t}}")
    (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $as0 i32)
    (param $as1 i32) (param $b i32) (param $bs i32) (param $c i32) (param $cs i32)
    (local $i i32) (local $j i32) (local $p i32) (local $jv i32)
    (local $as0b i32) (local $as1b i32) (local $bsb i32) (local $csb i32)
    (local $arow i32) (local $crow i32) (local $bp i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $cp0 i32) (local $cp1 i32) (local $cp2 i32) (local $cp3 i32)
    (local $ws v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $as0b (i32.mul (local.get $as0) (i32.const {{b}})))
    (local.set $as1b (i32.mul (local.get $as1) (i32.const {{b}})))
    (local.set $bsb (i32.mul (local.get $bs) (i32.const {{b}})))
    (local.set $csb (i32.mul (local.get $cs) (i32.const {{b}})))
    ;; Columns in full blocks: [0, jv).
    (local.set $jv (i32.and (local.get $n) (i32.const {{-2*l}})))
    (local.set $i (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $as0b))))
        (local.set $crow (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $csb))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $j) (local.get $jv)))
            (local.set $cp0 (i32.add (local.get $crow) (i32.mul (local.get $j) (i32.const {{b}}))))
            (local.set $cp1 (i32.add (local.get $cp0) (local.get $csb)))
            (local.set $cp2 (i32.add (local.get $cp1) (local.get $csb)))
            (local.set $cp3 (i32.add (local.get $cp2) (local.get $csb)))
          (local.set $c00 (v128.load (local.get $cp0)))
          (local.set $c01 (v128.load offset=16 (local.get $cp0)))
          (local.set $c10 (v128.load (local.get $cp1)))
          (local.set $c11 (v128.load offset=16 (local.get $cp1)))
          (local.set $c20 (v128.load (local.get $cp2)))
          (local.set $c21 (v128.load offset=16 (local.get $cp2)))
          (local.set $c30 (v128.load (local.get $cp3)))
          (local.set $c31 (v128.load offset=16 (local.get $cp3)))
            (local.set $q0 (local.get $arow))
            (local.set $q1 (i32.add (local.get $q0) (local.get $as0b)))
            (local.set $q2 (i32.add (local.get $q1) (local.get $as0b)))
            (local.set $q3 (i32.add (local.get $q2) (local.get $as0b)))
            (local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (i32.const {{b}}))))
            (local.set $p (local.get $k))
            (block $ps_done
              (loop $ps
                (br_if $ps_done (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load (local.get $bp)))
                (local.set $b1 (v128.load offset=16 (local.get $bp)))
            (local.set $ws ({{v}}.splat ({{t}}.load (local.get $q0))))
            (local.set $c00 ({{v}}.add (local.get $c00) ({{v}}.mul (local.get $ws) (local.get $b0))))
            (local.set $c01 ({{v}}.add (local.get $c01) ({{v}}.mul (local.get $ws) (local.get $b1))))
            (local.set $ws ({{v}}.splat ({{t}}.load (local.get $q1))))
            (local.set $c10 ({{v}}.add (local.get $c10) ({{v}}.mul (local.get $ws) (local.get $b0))))
            (local.set $c11 ({{v}}.add (local.get $c11) ({{v}}.mul (local.get $ws) (local.get $b1))))
            (local.set $ws ({{v}}.splat ({{t}}.load (local.get $q2))))
            (local.set $c20 ({{v}}.add (local.get $c20) ({{v}}.mul (local.get $ws) (local.get $b0))))
            (local.set $c21 ({{v}}.add (local.get $c21) ({{v}}.mul (local.get $ws) (local.get $b1))))
            (local.set $ws ({{v}}.splat ({{t}}.load (local.get $q3))))
            (local.set $c30 ({{v}}.add (local.get $c30) ({{v}}.mul (local.get $ws) (local.get $b0))))
            (local.set $c31 ({{v}}.add (local.get $c31) ({{v}}.mul (local.get $ws) (local.get $b1))))
                (local.set $q0 (i32.add (local.get $q0) (local.get $as1b)))
                (local.set $q1 (i32.add (local.get $q1) (local.get $as1b)))
                (local.set $q2 (i32.add (local.get $q2) (local.get $as1b)))
                (local.set $q3 (i32.add (local.get $q3) (local.get $as1b)))
                (local.set $bp (i32.add (local.get $bp) (local.get $bsb)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $ps)))
          (v128.store (local.get $cp0) (local.get $c00))
          (v128.store offset=16 (local.get $cp0) (local.get $c01))
          (v128.store (local.get $cp1) (local.get $c10))
          (v128.store offset=16 (local.get $cp1) (local.get $c11))
          (v128.store (local.get $cp2) (local.get $c20))
          (v128.store offset=16 (local.get $cp2) (local.get $c21))
          (v128.store (local.get $cp3) (local.get $c30))
          (v128.store offset=16 (local.get $cp3) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const {{2*l}})))
            (br $cols)))
        (if (i32.lt_s (local.get $jv) (local.get $n))
          (then
            (call $axpy_rows_{{t}} (local.get $crow) (local.get $arow) (local.get $as1b)
              (local.get $b) (local.get $bsb) (local.get $k) (local.get $jv) (local.get $n))
            (call $axpy_rows_{{t}} (i32.add (local.get $crow) (local.get $csb))
              (i32.add (local.get $arow) (local.get $as0b)) (local.get $as1b)
              (local.get $b) (local.get $bsb) (local.get $k) (local.get $jv) (local.get $n))
            (call $axpy_rows_{{t}} (i32.add (local.get $crow) (i32.mul (i32.const 2) (local.get $csb)))
              (i32.add (local.get $arow) (i32.mul (i32.const 2) (local.get $as0b))) (local.get $as1b)
              (local.get $b) (local.get $bsb) (local.get $k) (local.get $jv) (local.get $n))
            (call $axpy_rows_{{t}} (i32.add (local.get $crow) (i32.mul (i32.const 3) (local.get $csb)))
              (i32.add (local.get $arow) (i32.mul (i32.const 3) (local.get $as0b))) (local.get $as1b)
              (local.get $b) (local.get $bsb) (local.get $k) (local.get $jv) (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $blocks)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $m)))
        (call $axpy_rows_{{t}} (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $csb)))
          (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $as0b))) (local.get $as1b)
          (local.get $b) (local.get $bsb) (local.get $k) (i32.const 0) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; axpy_rows_{{t}}(c, a, as1b, b, bsb, k, j0, j1): c[j] += Σ_p a[p] · b[p, j] for
  ;; j0 ≤ j < j1, p < k: one row of a product (strides of a and b in bytes).
  (func $axpy_rows_{{t}}
    (param $c i32) (param $a i32) (param $as1b i32) (param $b i32) (param $bsb i32)
    (param $k i32) (param $j0 i32) (param $j1 i32)
    (local $j i32) (local $p i32) (local $ap i32) (local $bp i32) (local $cp i32)
    (local $s v128) (local $x {{t}})
    (local.set $j (local.get $j0))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (i32.add (local.get $j) (i32.const {{l}})) (local.get $j1)))
        (local.set $cp (i32.add (local.get $c) (i32.mul (local.get $j) (i32.const {{b}}))))
        (local.set $s (v128.load (local.get $cp)))
        (local.set $ap (local.get $a))
        (local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (i32.const {{b}}))))
        (local.set $p (local.get $k))
        (block $ps_done
          (loop $ps
            (br_if $ps_done (i32.eqz (local.get $p)))
            (local.set $s ({{v}}.add (local.get $s) ({{v}}.mul
              ({{v}}.splat ({{t}}.load (local.get $ap))) (v128.load (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $as1b)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bsb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $ps)))
        (v128.store (local.get $cp) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const {{l}})))
        (br $vectors)))
    (block $scalars_done
      (loop $scalars
        (br_if $scalars_done (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $cp (i32.add (local.get $c) (i32.mul (local.get $j) (i32.const {{b}}))))
        (local.set $x ({{t}}.load (local.get $cp)))
        (local.set $ap (local.get $a))
        (local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (i32.const {{b}}))))
        (local.set $p (local.get $k))
        (block $ps_done
          (loop $ps
            (br_if $ps_done (i32.eqz (local.get $p)))
            (local.set $x ({{t}}.add (local.get $x)
              ({{t}}.mul ({{t}}.load (local.get $ap)) ({{t}}.load (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $as1b)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bsb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $ps)))
        ({{t}}.store (local.get $cp) (local.get $x))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $scalars))))
  ;; @end

  ;; dot_f32(a, b, n): Σ a[i]·b[i], i < n, accumulated in double precision (as the JavaScript
  ;; kernels do), in four partial sums.
  (func (export "dot_f32") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $x v128) (local $y v128)
    (local $s f64)
    (local.set $end (i32.sub (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2)))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $a) (local.get $end)))
        (local.set $x (v128.load (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul
          (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.promote_low_f32x4 (local.get $y)))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $x) (local.get $x)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $y) (local.get $y))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0))
      (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $a) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.promote_f32 (f32.load (local.get $a))) (f64.promote_f32 (f32.load (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $scalars)))
    (local.get $s))

  ;; dot_f64(a, b, n): Σ a[i]·b[i], i < n, in four partial sums.
  (func (export "dot_f64") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s f64)
    (local.set $end (i32.sub (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3)))
      (i32.const 32)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $a) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $vectors)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0))
      (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $end) (i32.const 32)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $a) (local.get $end)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $scalars)))
    (local.get $s))
)
