#!/usr/bin/env node
// Builds the npm packages from release binaries: one @driftlint/cli-<platform> package per
// binary, each restricted by os/cpu (and libc, for a binary linked against glibc or musl), and
// the `driftlint` package with its launcher, whose optionalDependencies name exactly the
// platform packages built here, at the same version.
//
//   node npm/build-packages.mjs --version 0.1.0 --out DIR [--pack] BINARIES
//
// BINARIES holds one folder per Rust target triple with the binary inside, as the release
// workflow lays them out: BINARIES/x86_64-unknown-linux-musl/driftlint,
// BINARIES/x86_64-pc-windows-msvc/driftlint.exe, … With --pack, `npm pack` writes a tarball of
// each package into DIR. Without --version the version is Cargo.toml's.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NPM_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(NPM_DIR);

/** Rust target triple → platform package. Rust's musl targets link statically, so their
 * binaries run on any Linux of that CPU and carry no libc restriction. */
const TARGETS = {
  "x86_64-unknown-linux-musl": { suffix: "linux-x64", os: "linux", cpu: "x64" },
  "aarch64-unknown-linux-musl": { suffix: "linux-arm64", os: "linux", cpu: "arm64" },
  "x86_64-unknown-linux-gnu": { suffix: "linux-x64-gnu", os: "linux", cpu: "x64", libc: "glibc" },
  "aarch64-unknown-linux-gnu": { suffix: "linux-arm64-gnu", os: "linux", cpu: "arm64", libc: "glibc" },
  "x86_64-apple-darwin": { suffix: "darwin-x64", os: "darwin", cpu: "x64" },
  "aarch64-apple-darwin": { suffix: "darwin-arm64", os: "darwin", cpu: "arm64" },
  "x86_64-pc-windows-msvc": { suffix: "win32-x64", os: "win32", cpu: "x64", exe: "driftlint.exe" },
};

function fail(message) {
  process.stderr.write(`build-packages: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { version: null, out: null, pack: false, binaries: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version") args.version = argv[++i];
    else if (arg === "--out") args.out = argv[++i];
    else if (arg === "--pack") args.pack = true;
    else if (arg.startsWith("-")) fail(`unknown option ${arg}`);
    else if (args.binaries === null) args.binaries = arg;
    else fail(`unexpected argument ${arg}`);
  }
  if (!args.out || !args.binaries) {
    fail("usage: build-packages.mjs [--version V] --out DIR [--pack] BINARIES");
  }
  if (!args.version) {
    const cargo = fs.readFileSync(path.join(REPO, "Cargo.toml"), "utf8");
    const match = cargo.match(/^version = "([^"]+)"/m);
    if (!match) fail("no version in Cargo.toml");
    args.version = match[1];
  }
  args.version = args.version.replace(/^v/, "");
  return args;
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const template = JSON.parse(fs.readFileSync(path.join(NPM_DIR, "driftlint", "package.json"), "utf8"));
  fs.mkdirSync(args.out, { recursive: true });
  const built = [];
  for (const triple of fs.readdirSync(args.binaries).sort()) {
    const target = TARGETS[triple];
    if (!target) fail(`${triple}: not a target with an npm package (known: ${Object.keys(TARGETS).join(", ")})`);
    const exe = target.exe || "driftlint";
    const binary = path.join(args.binaries, triple, exe);
    if (!fs.existsSync(binary)) fail(`${binary}: missing`);
    const name = `@driftlint/cli-${target.suffix}`;
    const dir = path.join(args.out, `cli-${target.suffix}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    fs.copyFileSync(binary, path.join(dir, "bin", exe));
    fs.chmodSync(path.join(dir, "bin", exe), 0o755);
    const manifest = {
      name,
      version: args.version,
      description: `The driftlint binary for ${triple}; installed by the driftlint package.`,
      license: template.license,
      repository: template.repository,
      os: [target.os],
      cpu: [target.cpu],
      ...(target.libc ? { libc: [target.libc] } : {}),
      files: [`bin/${exe}`],
      // Yarn Plug'n'Play must unpack it so that the binary can be executed.
      preferUnplugged: true,
    };
    writeJson(path.join(dir, "package.json"), manifest);
    fs.writeFileSync(path.join(dir, "README.md"), `# ${name}\n\n${manifest.description} See https://www.npmjs.com/package/driftlint.\n`);
    built.push({ name, dir });
  }
  if (built.length === 0) fail(`${args.binaries}: no binaries`);

  const main = path.join(args.out, "driftlint");
  fs.rmSync(main, { recursive: true, force: true });
  fs.mkdirSync(path.join(main, "bin"), { recursive: true });
  fs.copyFileSync(path.join(NPM_DIR, "driftlint", "bin", "driftlint.js"), path.join(main, "bin", "driftlint.js"));
  fs.chmodSync(path.join(main, "bin", "driftlint.js"), 0o755);
  fs.copyFileSync(path.join(REPO, "README.md"), path.join(main, "README.md"));
  const manifest = { ...template, version: args.version, optionalDependencies: {} };
  for (const { name } of built) manifest.optionalDependencies[name] = args.version;
  writeJson(path.join(main, "package.json"), manifest);
  built.push({ name: "driftlint", dir: main });

  for (const { name, dir } of built) {
    if (args.pack) {
      const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", path.resolve(args.out)], { cwd: dir, encoding: "utf8" });
      console.log(`${name}@${args.version}: ${path.join(args.out, out.trim().split("\n").pop())}`);
    } else {
      console.log(`${name}@${args.version}: ${dir}`);
    }
  }
}

main();
