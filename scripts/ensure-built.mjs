// npm start runs this first: builds the server and the web UI when the build is missing or older than
// the sources (a fresh clone after `npm ci` is already built by the prepare script).
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const stamp = path.join(root, "dist", ".build-stamp");

function newest(dir) {
  let max = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

const sources = Math.max(newest(path.join(root, "src")), fs.statSync(path.join(root, "package.json")).mtimeMs);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built < sources || !fs.existsSync(path.join(root, "dist", "web", "index.html"))) {
  console.log("Building Relais (server and web UI)…");
  execSync("npm run build", { cwd: root, stdio: "inherit" });
}
