// Validates Kubernetes objects against the API's JSON schemas (kubernetes-models: the core API,
// cert-manager, prometheus-operator). Catches wrong types, missing required fields and bad
// formats; unknown fields pass here (see strict-check.mjs).
// Usage: node schema-check.mjs FILE...   (multi-document YAML; exit 1 on any error)
import fs from "node:fs";
import { parseAllDocuments } from "yaml";

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const candidates = group === ""
    ? [`kubernetes-models/${version}`]
    : [`kubernetes-models/${group}/${version}`,
      `@kubernetes-models/prometheus-operator/${group}/${version}`,
      `@kubernetes-models/cert-manager/${group}/${version}`];
  for (const c of candidates) {
    try {
      const m = await import(c);
      if (m[kind]) return m[kind];
    } catch (e) {
      // not this package
    }
  }
  return null;
}

let errors = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`${file}: YAML error: ${doc.errors[0].message}`);
      errors++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const id = `${file}: ${obj.apiVersion} ${obj.kind}/${obj.metadata?.name}`;
    const Model = await modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      console.log(`${id}: no schema`);
      errors++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      console.log(`${id}: ok`);
    } catch (e) {
      errors++;
      console.log(`${id}: INVALID\n${JSON.stringify(e.errors ?? e.message, null, 1)}`);
    }
  }
}
console.log(`schema check: ${checked} valid, ${errors} invalid`);
process.exit(errors ? 1 : 0);
