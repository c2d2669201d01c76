// esbuild, which bundles the browser suite (see README.md here).
export * from "npm:esbuild@0.28.2";
