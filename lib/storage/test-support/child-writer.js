// Child process for the SIGKILL durability tests: runs the real SqliteDriver source (compiled on
// the fly by @swc/core, which the project already has for jest) and gets killed mid-flight.
//
//   node child-writer.js <db path> self-kill <n>   n archive appends + keyval/map writes, then SIGKILL itself
//   node child-writer.js <db path> burst           appends forever, printing "<i>\n" after each resolves
"use strict";
const swc = require("@swc/core");

require.extensions[".ts"] = (module, filename) => {
  const { code } = swc.transformFileSync(filename, {
    swcrc: false,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};

const { SqliteDriver } = require("../sqlite");

async function main() {
  const [path, mode, n] = process.argv.slice(2);
  const driver = new SqliteDriver({ path });
  await driver.open();
  const archive = driver.archive("h", "archive");
  if (mode === "self-kill") {
    for (let i = 0; i < Number(n); i++) await archive.append("alice", `m${i}`, { i }, new Date(1_700_000_000_000 + i), "bob@x");
    await driver.map("h", "map").setKeys("alice", { a: 1, b: 2 });
    await driver.keyval("h", "kv").set("alice", { last: true });
    // Nothing after the last resolved write: no close(), no exit handlers, no checkpoint.
    process.kill(process.pid, "SIGKILL");
    return;
  }
  // Pipes to the parent are written synchronously on Linux, so an acked number has left this process.
  for (let i = 0; ; i++) {
    await archive.append("alice", `m${i}`, { i, pad: "x".repeat(200) }, new Date(1_700_000_000_000 + i), "bob@x");
    await driver.keyval("h", "kv").set("alice", i);
    process.stdout.write(`${i}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack}\n`);
  process.exit(1);
});
