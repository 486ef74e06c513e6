#!/usr/bin/env node
// Runs the driftlint binary shipped in the platform package that npm (or pnpm, yarn) installed
// next to this one: each @driftlint/cli-* package is an optional dependency restricted by its
// os/cpu/libc fields, so exactly the matching one is installed and nothing is downloaded by an
// install script (those are blocked by --ignore-scripts, pnpm and yarn).
"use strict";

const { spawnSync } = require("child_process");

/** True on Linux with musl: Node reports no glibc runtime version there. */
function isMusl() {
  if (process.platform !== "linux") return false;
  try {
    const report = process.report.getReport();
    const header = typeof report === "string" ? JSON.parse(report).header : report.header;
    return !header.glibcVersionRuntime;
  } catch (_) {
    return false;
  }
}

/** The platform packages that can run here, best first: on Linux the static build, then the
 * one linked against this machine's C library. */
function platformPackages() {
  const { platform, arch } = process;
  if (platform === "linux") {
    return [`@driftlint/cli-linux-${arch}`, `@driftlint/cli-linux-${arch}-${isMusl() ? "musl" : "gnu"}`];
  }
  return [`@driftlint/cli-${platform}-${arch}`];
}

function findBinary() {
  if (process.env.DRIFTLINT_BINARY) return process.env.DRIFTLINT_BINARY;
  const exe = process.platform === "win32" ? "driftlint.exe" : "driftlint";
  for (const pkg of platformPackages()) {
    try {
      return require.resolve(`${pkg}/bin/${exe}`);
    } catch (_) {
      // Not installed: npm skipped it because os/cpu/libc did not match. Try the next.
    }
  }
  return null;
}

const binary = findBinary();
if (!binary) {
  process.stderr.write(
    `driftlint: no binary for ${process.platform}-${process.arch} is installed.\n` +
      `Looked for: ${platformPackages().join(", ")}.\n` +
      "Optional dependencies may have been left out (--omit=optional, --no-optional): reinstall " +
      "without that flag, or install driftlint with `pipx install driftlint` or " +
      "`cargo install --locked --git https://github.com/driftlint/driftlint`.\n",
  );
  process.exit(2);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`driftlint: cannot run ${binary}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal, so that callers see what happened to the binary.
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
