#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline, without a cluster.
//
// Usage: node validate-manifests.mjs FILE.yaml...   (multi-document YAML; "-" reads stdin)
//
// Two passes per object, both driven by the kubernetes-models packages (generated from the
// Kubernetes OpenAPI spec and from the CRDs' OpenAPI schemas):
//   1. types, required fields, enums and formats: the package's own JSON-schema validator;
//   2. unknown fields (which that validator lets through): every key is checked against the
//      model's TypeScript declaration, walked with the TypeScript compiler API. A key that
//      the declaration does not have is an error, the way `kubectl --validate=strict` rejects it.
// An apiVersion/kind that no package describes is an error too: nothing is waved through.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.join(here, "node_modules");
const require = createRequire(import.meta.url);

// Which package describes which API group. Built-in groups live in kubernetes-models.
const CRD_PACKAGES = {
  "argoproj.io": "@kubernetes-models/argo-cd",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "cloud.google.com": "@kubernetes-models/gke",
  "networking.gke.io": "@kubernetes-models/gke",
  "external-secrets.io": "@kubernetes-models/external-secrets",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
};

function modelLocation(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = CRD_PACKAGES[group] ?? "kubernetes-models";
  const sub = group === "" ? `${version}/${kind}` : `${group}/${version}/${kind}`;
  const dts = path.join(nodeModules, pkg, `${sub}.d.ts`);
  if (!fs.existsSync(dts)) return null;
  return { pkg, specifier: `${pkg}/${sub}`, dts };
}

function readDocuments(file) {
  const text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: YAML error: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value == null) continue;
    if (value.kind && value.kind.endsWith("List") && Array.isArray(value.items)) {
      for (const item of value.items) out.push(item);
    } else {
      out.push(value);
    }
  }
  return out;
}

// ---- pass 2: unknown fields against the TypeScript declarations --------------------------

function makeStrictChecker(dtsFiles) {
  const program = ts.createProgram({
    rootNames: dtsFiles,
    options: {
      noEmit: true,
      skipLibCheck: true,
      types: [],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
    },
  });
  const checker = program.getTypeChecker();

  function rootType(dts, kind) {
    const sf = program.getSourceFile(dts);
    if (!sf) throw new Error(`cannot load ${dts}`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${kind}`);
    if (!exported) throw new Error(`${dts} has no interface I${kind}`);
    return checker.getDeclaredTypeOfSymbol(exported);
  }

  const isError = (t) => t.flags & ts.TypeFlags.Any && t.intrinsicName === "error";
  const isOpen = (t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown);

  function objectMembers(t) {
    return t.flags & ts.TypeFlags.Union
      ? t.types.filter((m) => m.flags & ts.TypeFlags.Object || m.flags & ts.TypeFlags.Intersection)
      : [t];
  }

  // Returns a list of "path: message" problems; empty when every key is declared.
  function walk(value, type, where) {
    if (isError(type)) return [`${where}: internal: unresolved type in the model declarations`];
    if (isOpen(type) || value === null || typeof value !== "object") return [];
    type = checker.getNonNullableType(type);
    if (Array.isArray(value)) {
      const candidates = type.flags & ts.TypeFlags.Union ? type.types : [type];
      const arr = candidates.find((c) => checker.isArrayType(c) || checker.isTupleType(c));
      if (!arr) return []; // wrong type: the schema pass reports it
      const element = checker.getTypeArguments(arr)[0];
      return value.flatMap((v, i) => walk(v, element, `${where}[${i}]`));
    }
    const members = objectMembers(type);
    if (members.length === 0) return [];
    let best = null;
    for (const member of members) {
      const problems = walkObject(value, member, where);
      if (problems.length === 0) return [];
      if (!best || problems.length < best.length) best = problems;
    }
    return best;
  }

  function walkObject(value, type, where) {
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    // `object`, `{}` or a bare record: nothing declared, so nothing to hold keys against.
    if (props.length === 0 && !index) return [];
    const problems = [];
    for (const [key, v] of Object.entries(value)) {
      const prop = props.find((p) => p.name === key);
      if (prop) {
        problems.push(...walk(v, checker.getTypeOfSymbol(prop), `${where}.${key}`));
      } else if (index) {
        problems.push(...walk(v, index, `${where}.${key}`));
      } else {
        problems.push(`${where}.${key}: unknown field`);
      }
    }
    return problems;
  }

  return { rootType, walk };
}

// ---- main ---------------------------------------------------------------------------------

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: validate-manifests.mjs FILE.yaml...");
    process.exit(2);
  }
  const objects = [];
  for (const file of files) {
    for (const obj of readDocuments(file)) objects.push({ file, obj });
  }

  const problems = [];
  const located = [];
  for (const { file, obj } of objects) {
    const id = `${file}: ${obj?.kind ?? "?"}/${obj?.metadata?.name ?? "?"}`;
    if (typeof obj !== "object" || !obj.apiVersion || !obj.kind) {
      problems.push(`${id}: not a Kubernetes object (apiVersion and kind are required)`);
      continue;
    }
    const loc = modelLocation(obj.apiVersion, obj.kind);
    if (!loc) {
      problems.push(`${id}: no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    located.push({ id, obj, loc });
  }

  // Pass 1: the generated JSON-schema validators.
  for (const { id, obj, loc } of located) {
    const mod = await import(loc.specifier);
    const Model = mod[obj.kind] ?? mod.default;
    try {
      new Model(obj).validate();
    } catch (e) {
      const details = e.errors?.map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ");
      problems.push(`${id}: ${details || e.message}`);
    }
  }

  // Pass 2: unknown fields.
  if (located.length) {
    const strict = makeStrictChecker([...new Set(located.map((l) => l.loc.dts))]);
    for (const { id, obj, loc } of located) {
      const type = strict.rootType(loc.dts, obj.kind);
      for (const p of strict.walk(obj, type, "")) problems.push(`${id}: ${p}`);
    }
  }

  for (const p of problems) console.log(`  ${p}`);
  const kinds = new Set(located.map((l) => `${l.obj.apiVersion} ${l.obj.kind}`));
  console.log(
    `validated ${objects.length} objects (${kinds.size} kinds) from ${files.length} file(s): ` +
      `${problems.length} problem(s)`,
  );
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
