// Strict field check of Kubernetes objects: each object becomes a TypeScript literal typed with
// kubernetes-types (the Kubernetes 1.30 API), and tsc's excess-property check rejects misspelled
// or misplaced fields and wrong value types (the JSON schemas in schema-check.mjs allow unknown
// fields). tsc reports at most one error per object: fix it and run again.
// Usage: node strict-check.mjs FILE...   (multi-document YAML; exit 1 on any error)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const types = {
  "v1/ServiceAccount": ["core/v1", "ServiceAccount"],
  "v1/ConfigMap": ["core/v1", "ConfigMap"],
  "v1/Service": ["core/v1", "Service"],
  "v1/Secret": ["core/v1", "Secret"],
  "apps/v1/Deployment": ["apps/v1", "Deployment"],
  "policy/v1/PodDisruptionBudget": ["policy/v1", "PodDisruptionBudget"],
  "networking.k8s.io/v1/NetworkPolicy": ["networking/v1", "NetworkPolicy"],
};

let src = "";
let n = 0;
const skipped = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    const obj = doc.toJS();
    if (obj == null) continue;
    const t = types[`${obj.apiVersion}/${obj.kind}`];
    if (!t) {
      skipped.push(`${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    src += `import type { ${t[1]} as T${n} } from "kubernetes-types/${t[0]}.js";\n`;
    src += `// ${file}: ${obj.kind}/${obj.metadata?.name}\n`;
    src += `export const o${n}: T${n} = ${JSON.stringify(obj, null, 1)};\n`;
    n++;
  }
}

// The file must sit where node_modules/kubernetes-types resolves: in this directory.
const dir = fs.mkdtempSync(path.join(here, ".strict-"));
const tsFile = path.join(dir, "objects.ts");
fs.writeFileSync(tsFile, src);
let ok = true;
try {
  execFileSync(
    path.join(here, "node_modules", ".bin", "tsc"),
    ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
      "--types", "", tsFile],
    { cwd: here, stdio: "inherit" });
} catch (e) {
  ok = false;
}
if (ok) {
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`strict field check: ${n} objects ok` +
    (skipped.length ? ` (no types here for: ${skipped.join(", ")})` : ""));
} else {
  console.log(`strict field check FAILED; the generated file is kept: ${tsFile}`);
  process.exit(1);
}
