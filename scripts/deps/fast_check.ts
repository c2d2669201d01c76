// fast-check, for the property tests (see README.md in this folder).
export * from "npm:fast-check@4.10.2";
export { default } from "npm:fast-check@4.10.2";
