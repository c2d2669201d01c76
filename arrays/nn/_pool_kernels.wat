;; The 2×2 max pooling of the CNN layers, with WebAssembly SIMD, for f32 (f32x4) and f64 (f64x2).
;; `deno task build:wasm` assembles it into _pool_kernels_wat.ts (see scripts/build_wasm.ts for
;; the `;; @each-type` template and the `{{…}}` placeholders).
;;
;; Addresses are byte offsets into the imported memory; the caller validated every argument.
(module
  (import "env" "memory" (memory 0))

  ;; @each-type f32 f64
  ;; max_pool_2x2_{{t}}(x, H, W, y, OH, OW, planes): 2×2 max pooling with stride 2 of `planes`
  ;; planes of H × W (contiguous, one after another) into planes of OH × OW (OH ≤ H / 2,
  ;; OW ≤ W / 2): y[p, i, j] = the largest of x[p, 2i + {0, 1}, 2j + {0, 1}], NaN if one is NaN.
  ;; {{l}} outputs at a time: the larger of two rows, then of the even and odd elements.
  (func (export "max_pool_2x2_{{t}}")
    (param $x i32) (param $H i32) (param $W i32) (param $y i32) (param $OH i32) (param $OW i32)
    (param $planes i32)
    (local $p i32) (local $i i32) (local $j i32) (local $r0 i32) (local $r1 i32)
    (local $m0 v128) (local $m1 v128) (local $Wb i32) (local $plane i32)
    (local.set $Wb (i32.mul (local.get $W) (i32.const {{b}})))
    (local.set $plane (i32.mul (local.get $H) (local.get $Wb)))
    (local.set $p (i32.const 0))
    (block $planes_done
      (loop $planes
        (br_if $planes_done (i32.ge_s (local.get $p) (local.get $planes)))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $i) (local.get $OH)))
            (local.set $r0 (i32.add (local.get $x)
              (i32.add (i32.mul (local.get $p) (local.get $plane))
                (i32.mul (i32.shl (local.get $i) (i32.const 1)) (local.get $Wb)))))
            (local.set $r1 (i32.add (local.get $r0) (local.get $Wb)))
            (local.set $j (i32.const 0))
            (block $vectors_done
              (loop $vectors
                (br_if $vectors_done (i32.gt_s (i32.add (local.get $j) (i32.const {{l}}))
                  (local.get $OW)))
                (local.set $m0 ({{v}}.max (v128.load (local.get $r0)) (v128.load (local.get $r1))))
                (local.set $m1 ({{v}}.max (v128.load offset=16 (local.get $r0))
                  (v128.load offset=16 (local.get $r1))))
                (v128.store (local.get $y) ({{v}}.max
                  (i8x16.shuffle {{even}} (local.get $m0) (local.get $m1))
                  (i8x16.shuffle {{odd}} (local.get $m0) (local.get $m1))))
                (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
                (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
                (local.set $y (i32.add (local.get $y) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const {{l}})))
                (br $vectors)))
            (block $scalars_done
              (loop $scalars
                (br_if $scalars_done (i32.ge_s (local.get $j) (local.get $OW)))
                ({{t}}.store (local.get $y) ({{t}}.max
                  ({{t}}.max ({{t}}.load (local.get $r0)) ({{t}}.load offset={{b}} (local.get $r0)))
                  ({{t}}.max ({{t}}.load (local.get $r1)) ({{t}}.load offset={{b}} (local.get $r1)))))
                (local.set $r0 (i32.add (local.get $r0) (i32.const {{2*b}})))
                (local.set $r1 (i32.add (local.get $r1) (i32.const {{2*b}})))
                (local.set $y (i32.add (local.get $y) (i32.const {{b}})))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $scalars)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $planes))))
  ;; @end
)
