/**
 * Prints, as JSON on stdout, the CDC layer (every dynamic resource: type, name, inputs) the
 * program declares under mocks on the platform named by argv[2]. Secrets are printed as
 * "<secret>" and the serialized provider is left out. Used by `stack-same-cdc-layer.test.ts`,
 * which runs it once per platform (one program per process).
 */
import { isSecretValue, runUnderMocks } from "./mocks";
import { makeTestCa } from "./tls-pki";

/** Stack config per platform: the same pipeline settings, each platform's own addresses. */
export const PLATFORM_CONFIG: Record<string, { config: Record<string, string>; secretKeys?: string[] }> = {
    docker: { config: { "cdc:platform": "docker" } },
    kubernetes: {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({ access: { mode: "nodePort", nodeAddress: "10.0.0.5" } }),
        },
    },
    external: {
        config: {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify({
                connectUrl: "https://connect.example.com:8083",
                kafkaBootstrap: "kafka.example.com:9092",
                clickhouse: { url: "https://ch.example.com:8443" },
                connectUser: "cdc",
            }),
            // Secure as the other platforms: the services' CA and Connect's REST login.
            "cdc:tls": JSON.stringify({ caBundle: makeTestCa("external-ca").certPem }),
            "cdc:connectPassword": "external-connect-password",
            "cdc:clickhousePassword": "external-password",
            "cdc:debeziumConnectionString":
                "mongodb://debezium:pw@mongo.example.com:27017/?replicaSet=rs0&authSource=admin",
        },
        secretKeys: ["cdc:clickhousePassword", "cdc:debeziumConnectionString", "cdc:connectPassword"],
    },
};

function redact(v: unknown): unknown {
    if (isSecretValue(v)) return "<secret>";
    if (Array.isArray(v)) return v.map(redact);
    if (typeof v === "object" && v !== null)
        return Object.fromEntries(
            Object.entries(v)
                .filter(([k]) => k !== "__provider")
                .map(([k, x]) => [k, redact(x)]),
        );
    return v;
}

const CERTIFICATE_TYPES = [
    "pulumi-nodejs:dynamic/cdc:CertificateAuthority",
    "pulumi-nodejs:dynamic/cdc:ServiceCertificate",
];

async function main(): Promise<void> {
    const platform = process.argv[2];
    const setup = PLATFORM_CONFIG[platform];
    if (!setup) throw new Error(`usage: dump-cdc-layer.ts <${Object.keys(PLATFORM_CONFIG).join("|")}>`);
    const run = await runUnderMocks(setup.config, () => import("../../index"), setup.secretKeys);
    const layer = run.resources
        // The certificates are the platform's (docker and kubernetes), not the CDC layer's.
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic") && !CERTIFICATE_TYPES.includes(r.type))
        .map((r) => ({ type: r.type, name: r.name, inputs: redact(r.inputs) }))
        .sort((a, b) => a.name.localeCompare(b.name));
    process.stdout.write(`${JSON.stringify(layer)}\n`);
}

if (require.main === module) {
    main().catch((e) => {
        process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
        process.exit(1);
    });
}
