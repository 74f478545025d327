/**
 * ClickHouse on kubernetes with the stack's TLS material, its builder under Pulumi mocks with a
 * `StackTls` of plain values (test/support/mock-tls.ts): the Services and ports, the Secrets and
 * where they are mounted, the probes, what the CDC layer is told, and that no password travels in
 * clear. A second build with another certificate shows the pods roll when it is renewed.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import type { KubernetesConfig } from "../../components/config";
import { containers, env, podSpec } from "../support/k8s";
import {
    isSecretValue,
    MOCK_SECRET_PREFIX,
    MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecret,
} from "../support/mocks";
import {
    MOCK_CA_PEM,
    MOCK_CLICKHOUSE_PASSWORD,
    MockParent,
    mockCertPem,
    mockCredentials,
    mockStackTls,
} from "../support/mock-tls";

type Built = typeof import("../../components/platform/kubernetes/clickhouse") extends {
    clickhouseServer: (...a: never[]) => infer R;
}
    ? R
    : never;
type Urls = { tls: string; renewed: string; plain: string };
let run: MockRun & { program: { built: Record<keyof Urls, Built>; urls: Urls; plainUrlError: string } };

const ACCESS = { mode: "nodePort", nodeAddress: "10.0.0.5", connectNodePort: 30083, clickhouseNodePort: 30123 };
const ofComponent = (component: string, type: string) =>
    run.resources.filter((r) => r.type === type && r.name.startsWith(`${component}-`));
const services = (component: string) => ofComponent(component, "kubernetes:core/v1:Service");
const statefulSet = (component: string) => run.byName(`${component}-clickhouse`);
const secret = (component: string, role: string) => run.byName(`${component}-${role}`);
type Port = { name: string; port: number; targetPort: number; nodePort?: number };
const ports = (component: string) =>
    services(component).flatMap((s) => ((s.inputs.spec as { ports: Port[] }).ports ?? []).map((p) => p.port));

before(async () => {
    run = await runUnderMocks({ "cdc:platform": "kubernetes" }, async () => {
        const { parseConfig } = await import("../../components/config");
        const { kubernetesContext } = await import("../../components/platform/kubernetes/context");
        const { clickhouseServer } = await import("../../components/platform/kubernetes/clickhouse");
        const cfg = parseConfig({ platform: "kubernetes", kubernetes: { access: ACCESS } }) as KubernetesConfig;
        const build = (name: string, tls: ReturnType<typeof mockStackTls> | undefined) =>
            clickhouseServer(kubernetesContext(name, new MockParent(name), cfg.kubernetes, cfg), mockCredentials(tls));
        const built = {
            tls: build("tls", mockStackTls()),
            renewed: build("renewed", mockStackTls("2")),
            plain: build("plain", undefined),
        };
        const httpUrl = { mode: "url", connectUrl: "http://127.0.0.1:8083", clickhouseUrl: "http://127.0.0.1:8123" };
        const cfgHttp = parseConfig({
            platform: "kubernetes",
            kubernetes: { namespace: "cdc-badurl", access: httpUrl },
        }) as KubernetesConfig;
        let plainUrlError = "";
        try {
            clickhouseServer(
                kubernetesContext("badurl", new MockParent("badurl"), cfgHttp.kubernetes, cfgHttp),
                mockCredentials(mockStackTls()),
            );
        } catch (e) {
            plainUrlError = (e as Error).message;
        }
        const url = (b: Built) => new Promise<string>((resolve) => b.url.apply((u) => resolve(u)));
        return {
            built,
            urls: { tls: await url(built.tls), renewed: await url(built.renewed), plain: await url(built.plain) },
            plainUrlError,
        };
    });
});

describe("ClickHouse on kubernetes with TLS (builder under mocks)", () => {
    it("puts only HTTPS 8443 in the exposed Service, HTTPS and native TLS 9440 in the headless one, no plain port", () => {
        const exposed = services("tls").find((s) => (s.inputs.metadata as { name: string }).name === "clickhouse")!;
        assert.deepEqual((exposed.inputs.spec as { ports: Port[] }).ports, [
            { name: "https", port: 8443, targetPort: 8443, nodePort: 30123 },
        ]);
        assert.deepEqual(ports("tls").sort(), [8443, 8443, 9440]);
        const [c] = containers(statefulSet("tls"));
        assert.deepEqual(
            (c as unknown as { ports: { containerPort: number }[] }).ports.map((p) => p.containerPort),
            [8443, 9440],
        );
        // without TLS, as before
        assert.deepEqual(ports("plain"), [8123, 8123]);
    });

    it("tells the CDC layer https through the node port and HTTPS 8443 with the stack's CA for the sink", () => {
        assert.equal(run.program.urls.tls, "https://10.0.0.5:30123");
        assert.deepEqual(run.program.built.tls.internal, {
            host: "clickhouse",
            port: 8443,
            ssl: true,
            caFile: "/etc/cdc/tls/ca.crt",
        });
        assert.equal(run.program.urls.plain, "http://10.0.0.5:30123");
    });

    it("refuses an http:// cdc:kubernetes.access.clickhouseUrl, naming the key and the fix, before declaring anything", () => {
        assert.equal(
            run.program.plainUrlError,
            "cdc:kubernetes.access.clickhouseUrl is http://127.0.0.1:8123, but ClickHouse serves only HTTPS (port 8443) " +
                "with TLS on: give an https:// URL, e.g. https://127.0.0.1:8443 with " +
                "`kubectl port-forward -n <namespace> svc/clickhouse 8443`",
        );
        assert.deepEqual(
            run.resources.filter((r) => r.name.startsWith("badurl-clickhouse")).map((r) => r.name),
            [],
        );
    });

    it("gives the container no password: no CLICKHOUSE_PASSWORD, no user variables", () => {
        const [c] = containers(statefulSet("tls"));
        assert.deepEqual(Object.keys(env(c)), ["CLICKHOUSE_SKIP_USER_SETUP"]);
        assert.ok("CLICKHOUSE_PASSWORD" in env(containers(statefulSet("plain"))[0]), "the plain shape as before");
    });

    it("keeps the users file (the password's SHA-256) in a Secret mounted as users.d", () => {
        const users = secret("tls", "clickhouse-users");
        const data = users.inputs.stringData as Record<string, unknown>;
        assert.ok(isSecretValue(data["cdc-users.xml"]) || isSecretValue(data), "the users file is a secret");
        const xml = unwrapSecret<string>(unwrapSecret<Record<string, unknown>>(data)["cdc-users.xml"]);
        const hash = createHash("sha256").update(MOCK_CLICKHOUSE_PASSWORD).digest("hex");
        assert.match(xml, new RegExp(`<password_sha256_hex>${hash}</password_sha256_hex>`));
        assert.ok(!xml.includes(MOCK_CLICKHOUSE_PASSWORD));
        const [c] = containers(statefulSet("tls"));
        assert.ok(
            c.volumeMounts!.some(
                (m) => m.name === "users" && m.mountPath === "/etc/clickhouse-server/users.d" && m.readOnly,
            ),
        );
    });

    it("mounts the auto-named Secret clickhouse-tls (CA, certificate, key) read-only at /etc/cdc/tls, group-readable", () => {
        const tls = secret("tls", "clickhouse-tls");
        // Auto-named: a renewed certificate is a new Secret, created before the old one is deleted
        // (a fixed name would collide with the one it replaces), and its new name rolls the pod.
        assert.equal((tls.inputs.metadata as { name?: string }).name, undefined);
        const data = unwrapSecret<Record<string, unknown>>(tls.inputs.stringData);
        assert.equal(unwrapSecret(data["ca.crt"]), MOCK_CA_PEM);
        assert.equal(unwrapSecret(data["tls.crt"]), mockCertPem("clickhouse"));
        assert.ok(isSecretValue(data["tls.key"]) || isSecretValue(tls.inputs.stringData), "the key is a secret");
        const pod = podSpec(statefulSet("tls"));
        const vol = pod.volumes!.find((v) => v.name === "tls") as {
            secret: { secretName: string; defaultMode: number };
        };
        assert.deepEqual(vol.secret, { secretName: `${tls.name}-physical`, defaultMode: 0o440 });
        const [c] = pod.containers;
        assert.ok(c.volumeMounts!.some((m) => m.name === "tls" && m.mountPath === "/etc/cdc/tls" && m.readOnly));
        assert.equal((pod.securityContext as { fsGroup: number }).fsGroup, 101);
    });

    it("is ready only when HTTPS answers under the Service's name with a certificate the stack's CA verifies", () => {
        const pod = podSpec(statefulSet("tls")) as unknown as {
            hostAliases: { ip: string; hostnames: string[] }[];
            containers: { readinessProbe: { exec: { command: string[] } }; livenessProbe: { httpGet: unknown } }[];
        };
        assert.deepEqual(pod.containers[0].readinessProbe.exec.command, [
            "sh",
            "-c",
            "wget -q -O /dev/null --ca-certificate=/etc/cdc/tls/ca.crt https://clickhouse:8443/ping",
        ]);
        // `clickhouse` is the pod itself, not the Service (which routes to ready pods only)
        assert.deepEqual(pod.hostAliases, [{ ip: "127.0.0.1", hostnames: ["clickhouse"] }]);
        assert.deepEqual(pod.containers[0].livenessProbe.httpGet, { path: "/ping", port: 8443, scheme: "HTTPS" });
    });

    it("rolls the pod when the certificate is renewed, not otherwise", () => {
        const annotations = (component: string) =>
            (statefulSet(component).inputs.spec as { template: { metadata: { annotations: Record<string, string> } } })
                .template.metadata.annotations;
        const sha = (s: string) => createHash("sha256").update(s).digest("hex");
        assert.equal(annotations("tls")["cdc.pulumi/tls-cert-sha256"], sha(mockCertPem("clickhouse")));
        assert.equal(annotations("renewed")["cdc.pulumi/tls-cert-sha256"], sha(mockCertPem("clickhouse", "2")));
        assert.equal(
            annotations("tls")["cdc.pulumi/config-sha256"],
            annotations("renewed")["cdc.pulumi/config-sha256"],
        );
    });

    it("holds no password, hash or key in any plain input", () => {
        const hash = createHash("sha256").update(MOCK_CLICKHOUSE_PASSWORD).digest("hex");
        const mine = run.resources.filter((r) => r.name.startsWith("tls-"));
        const leaks = mine.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(MOCK_SECRET_PREFIX) || s.value.includes(hash))
                .map((s) => `${r.name}: ${s.path}`),
        );
        assert.deepEqual(leaks, []);
    });
});
