;; The element-wise kernels of the array operations, with WebAssembly SIMD, for f32 (f32x4) and
;; f64 (f64x2): the binary arithmetic of contiguous operands.
;; `deno task build:wasm` assembles it into _elementwise_kernels_wat.ts (see
;; scripts/build_wat.ts for the `;; @each-type` template and the `{{…}}` placeholders).
;;
;; Addresses are byte offsets into the imported memory; the caller validated every argument.
;; Every binary kernel exists in three forms: `<op>_{{t}}(o, a, b, n)` for o[i] = a[i] op b[i],
;; `<op>_vs_{{t}}(o, a, s, n)` for o[i] = a[i] op s, and `<op>_sv_{{t}}(o, s, b, n)` for
;; o[i] = s op b[i], i < n. The output may be an input (the same address); otherwise they must
;; not overlap. minimum and maximum follow Math.min and Math.max (NaN if either is NaN, and
;; −0 < +0), as the SIMD instructions do.
(module
  (import "env" "memory" (memory 0))

  ;; @each-type f32 f64
  (func (export "add_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.add (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.add ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "add_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.add (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.add ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "add_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.add (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.add (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "sub_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.sub ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "sub_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.sub (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.sub ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "sub_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.sub (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.sub (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "mul_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.mul ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "mul_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.mul (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.mul ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "mul_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.mul (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.mul (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "div_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.div (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.div ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "div_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.div (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.div ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "div_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.div (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.div (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "minimum_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.min (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.min ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "minimum_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.min (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.min ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "minimum_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.min (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.min (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "maximum_{{t}}") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.max (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.max ({{t}}.load (local.get $a)) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

  (func (export "maximum_vs_{{t}}") (param $o i32) (param $a i32) (param $s {{t}}) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.max (v128.load (local.get $a)) (local.get $sv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.max ({{t}}.load (local.get $a)) (local.get $s)))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $a (i32.add (local.get $a) (i32.const {{b}})))
        (br $scalars))))

  (func (export "maximum_sv_{{t}}") (param $o i32) (param $s {{t}}) (param $b i32) (param $n i32) (local $sv v128)
    (local $end i32)
    (local.set $sv ({{v}}.splat (local.get $s)))
    (local.set $end (i32.sub (i32.add (local.get $o) (i32.mul (local.get $n) (i32.const {{b}})))
      (i32.const 16)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_s (local.get $o) (local.get $end)))
        (v128.store (local.get $o) ({{v}}.max (local.get $sv) (v128.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.const 16)))
    (block $done
      (loop $scalars
        (br_if $done (i32.ge_s (local.get $o) (local.get $end)))
        ({{t}}.store (local.get $o) ({{t}}.max (local.get $s) ({{t}}.load (local.get $b))))
        (local.set $o (i32.add (local.get $o) (i32.const {{b}})))
        (local.set $b (i32.add (local.get $b) (i32.const {{b}})))
        (br $scalars))))

;; @end

)
