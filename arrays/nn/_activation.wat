;; The activations the CNN layers fuse, with WebAssembly SIMD, for f32 (f32x4) and f64 (f64x2).
;; `deno task build:wasm` assembles it into _activation_wat.ts (see scripts/build_wasm.ts for the
;; `;; @each-type` template and the `{{…}}` placeholders).
;;
;; Addresses are byte offsets into the imported memory; the caller validated every argument.
(module
  (import "env" "memory" (memory 0))

  ;; @each-type f32 f64
  ;; affine_{{t}}(x, y, n, k, d, relu): y[i] = x[i]·k + d for i < n, then max(·, 0) when relu
  ;; is not 0 (NaN stays NaN): batch normalisation's per-channel map, fused with its activation.
  ;; y may be x (the same address); otherwise they must not overlap.
  (func (export "affine_{{t}}")
    (param $x i32) (param $y i32) (param $n i32) (param $k {{t}}) (param $d {{t}})
    (param $relu i32)
    (local $end i32) (local $kv v128) (local $dv v128) (local $zero v128) (local $v {{t}})
    (local.set $kv ({{v}}.splat (local.get $k)))
    (local.set $dv ({{v}}.splat (local.get $d)))
    (local.set $end (i32.sub (i32.add (local.get $x) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (if (local.get $relu)
      (then
        (block $done
          (loop $vectors
            (br_if $done (i32.gt_s (local.get $x) (local.get $end)))
            (v128.store (local.get $y) ({{v}}.max (local.get $zero)
              ({{v}}.add ({{v}}.mul (v128.load (local.get $x)) (local.get $kv)) (local.get $dv))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (br $vectors))))
      (else
        (block $done
          (loop $vectors
            (br_if $done (i32.gt_s (local.get $x) (local.get $end)))
            (v128.store (local.get $y)
              ({{v}}.add ({{v}}.mul (v128.load (local.get $x)) (local.get $kv)) (local.get $dv)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (br $vectors)))))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $x) (local.get $end)))
        (local.set $v ({{t}}.add ({{t}}.mul ({{t}}.load (local.get $x)) (local.get $k))
          (local.get $d)))
        (if (local.get $relu) (then (local.set $v ({{t}}.max (local.get $v) ({{t}}.const 0)))))
        ({{t}}.store (local.get $y) (local.get $v))
        (local.set $x (i32.add (local.get $x) (i32.const {{b}})))
        (local.set $y (i32.add (local.get $y) (i32.const {{b}})))
        (br $scalars))))
  ;; @end
)
