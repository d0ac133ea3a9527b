// Lint configuration: typescript-eslint's recommended rules over the sources and tests.
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["bin/**", "node_modules/**", "examples/**/node_modules/**", "examples/**/bin/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
