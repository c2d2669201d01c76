;; A module shaped like a compiled C library: it exports its own memory and a malloc that bumps
;; through it (growing it when full, as Emscripten's does), and a function reading f64 arrays in
;; place. The tests and docs/wasm.md hand a block it reserves to a WasmAllocBuffer.
;; `deno task build:wasm` assembles it into _module_with_malloc_wat.ts.
(module
  (memory (export "memory") 1)
  ;; The first free address: the module's own data lies below it.
  (global $brk (mut i32) (i32.const 1024))
  ;; malloc(n): n bytes aligned to 16, growing the memory when needed; 0 when it cannot.
  (func (export "malloc") (param $n i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.and (i32.add (global.get $brk) (i32.const 15)) (i32.const -16)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.lt_s (memory.grow (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535))
            (i32.const 16)) (memory.size))) (i32.const 0))
          (then (return (i32.const 0))))))
    (global.set $brk (local.get $end))
    (local.get $p))
  ;; The sum of n f64 at address p.
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
)
