// publint/utils: its message formatter (see README.md here).
export * from "npm:publint@0.3.25/utils";
