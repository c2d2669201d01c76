// publint, which checks the npm package (see README.md here).
export * from "npm:publint@0.3.25";
