#!/usr/bin/env node
// Generates provider/generated/*.ts from schemas/*.schema.json: the schemas are the one source of
// truth for the shapes of inputs and files, and the TypeScript types follow them.
//   node scripts/gen-types.js          write the files
//   node scripts/gen-types.js --check  exit 1 if a generated file is out of date
const fs = require("fs");
const path = require("path");
const { compile } = require("json-schema-to-typescript");

const root = path.resolve(__dirname, "..");
const schemaDir = path.join(root, "schemas");
const outDir = path.join(root, "provider", "generated");
const banner = "/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */";

async function generate() {
  const out = {};
  for (const file of fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort()) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, file), "utf8"));
    const ts = await compile(schema, schema.title, {
      bannerComment: banner,
      cwd: schemaDir,
      declareExternallyReferenced: true,
      additionalProperties: false,
      unreachableDefinitions: true,
      format: true,
      style: { printWidth: 100 },
    });
    out[file.replace(".schema.json", ".ts")] = ts;
  }
  return out;
}

async function main() {
  const check = process.argv.includes("--check");
  const files = await generate();
  const stale = [];
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(outDir, name);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current === text) continue;
    if (check) stale.push(name);
    else fs.writeFileSync(target, text);
  }
  if (stale.length > 0) {
    console.error(`out of date: ${stale.join(", ")}; run \`npm run gen\` and commit the result`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
