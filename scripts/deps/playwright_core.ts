// playwright-core, which drives Chromium for the browser suite (see README.md here).
export * from "npm:playwright-core@1.65.1";
