/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/lib", "<rootDir>/modules", "<rootDir>/bin", "<rootDir>/spec-tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)s$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(@xmpp)/)"],
  moduleFileExtensions: ["ts", "js", "json"],
  reporters: ["default", "<rootDir>/.ci/count-reporter.js"],
  testTimeout: 30000,
};
