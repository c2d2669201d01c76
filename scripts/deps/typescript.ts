// TypeScript, for the npm build, the Node test build and the smoke test (see README.md here).
export { default } from "npm:typescript@6.0.3";
