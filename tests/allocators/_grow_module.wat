;; A module for the tests of WasmAllocBuffer: it grows its memory itself (as a module's malloc
;; would) and reads and writes f64 arrays in place. `deno task build:wasm` assembles it into
;; _grow_module_wat.ts.
(module
  (import "env" "memory" (memory 1))
  ;; memory.grow by `pages`: the previous size in pages, or -1 when refused.
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  ;; The sum of `n` f64 at address `p`.
  (func (export "sum") (param $p i32) (param $n i32) (result f64)
    (local $s f64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (f64.add (local.get $s) (f64.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))
  ;; Multiplies `n` f64 at address `p` by `k` in place.
  (func (export "scale") (param $p i32) (param $n i32) (param $k f64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $k)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
)
