// Prints {"<schema path>": <DMMF datamodel>, ...} for each schema file given, as Prisma's own
// parser (@prisma/prisma-schema-wasm, get_dmmf) reads it. Exits 1 with Prisma's message when a
// schema is invalid.
'use strict';
const fs = require('fs');
const wasm = require('@prisma/prisma-schema-wasm');

const out = {};
for (const path of process.argv.slice(2)) {
  const params = JSON.stringify({ prismaSchema: [[path, fs.readFileSync(path, 'utf8')]] });
  try {
    out[path] = JSON.parse(wasm.get_dmmf(params)).datamodel;
  } catch (error) {
    process.stderr.write(`${path}: ${error}\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify(out));
