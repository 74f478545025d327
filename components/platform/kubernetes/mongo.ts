/**
 * MongoDB on kubernetes: a keyfile-authenticated replica set (a StatefulSet behind a headless
 * Service) and a Job that initiates the set, creates the Debezium user and turns on pre-images.
 * With the stack's TLS material (`creds.tls`) every member requires TLS (its certificate from the
 * auto-named Secret `mongo-tls-<suffix>`, replaced new-before-old on renewal, mounted at
 * /etc/cdc/tls) and every client verifies it against the stack's CA.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mongoConnectionString, type DebeziumMongoTls } from "../../../connectors";
import { mongoInitScript } from "../scripts";
import type { PlatformCredentials } from "../shared/credentials";
import { debeziumConnectionString, debeziumMongoTls, MONGOSH_TLS, mongoInitOptions } from "../shared/services";
import { TLS_DIR, type StackTls } from "../shared/tls";
import type { KubernetesContext } from "./context";
import { mongoCommand, mongoProbes, noEscalation, podDns, resourceSpec, secretEnv, securityContexts } from "./specs";

/** Key of the member's certificate + key in one PEM file (mongod's form) in the `mongo-tls` Secret. */
const TLS_PEM_KEY = "tls.pem";

/** SHA-256 of the member certificate (public), hex. */
function certFingerprint(tls: StackTls): pulumi.Output<string> {
    return tls.services.mongo.certPem.apply((pem) => crypto.createHash("sha256").update(pem).digest("hex"));
}

/** The `mongo-tls` Secret's data: the CA, the member certificate, its key, and both in one PEM. */
function memberTlsData(tls: StackTls): Record<string, pulumi.Output<string>> {
    const m = tls.services.mongo;
    return {
        "ca.crt": tls.caPem,
        "tls.crt": m.certPem,
        "tls.key": pulumi.secret(m.keyPem),
        [TLS_PEM_KEY]: pulumi.secret(
            pulumi.all([m.certPem, m.keyPem]).apply(([c, k]) => `${c.endsWith("\n") ? c : `${c}\n`}${k}`),
        ),
    };
}

export interface KubernetesMongo {
    statefulSet: k8s.apps.v1.StatefulSet;
    service: k8s.core.v1.Service;
    /** The replica set / Debezium user / pre-images initialisation. */
    init: k8s.batch.v1.Job;
    budget?: k8s.policy.v1.PodDisruptionBudget;
    /** Debezium's connection string to every member (secret). */
    debeziumUri: pulumi.Output<string>;
    /** Root's connection string (in-cluster names; from the host through `kubectl port-forward`). Secret. */
    hostConnectionString: pulumi.Output<string>;
    /** Debezium's truststore settings when the members require TLS. */
    connectorTls?: DebeziumMongoTls;
    /** The members' TLS Secret (`mongo-tls`) when TLS is on. */
    tlsSecret?: k8s.core.v1.Secret;
}

export function mongoReplicaSet(ctx: KubernetesContext, creds: PlatformCredentials): KubernetesMongo {
    const { name, child, kubernetes: k, pipeline: p } = ctx;
    const tls = creds.tls;
    // Readable by the fsGroup (mongod's uid 999 group); the init Job mounts only the CA from it.
    const tlsSecret = tls ? ctx.secret("mongo-tls", undefined, memberTlsData(tls)) : undefined;
    const credentials = ctx.secret("mongo-credentials", "mongo-credentials", {
        "root-password": creds.mongoRootPassword,
        "debezium-password": creds.debeziumPassword,
    });
    const keyfile = ctx.secret("mongo-keyfile-secret", "mongo-keyfile", { keyfile: creds.mongoKeyfile });
    const rootPassword = secretEnv("MONGO_INITDB_ROOT_PASSWORD", credentials.metadata.name, "root-password");
    const service = ctx.headless("mongo", "mongo", [{ name: "mongodb", port: 27017 }]);
    const probes = mongoProbes(tls ? { service: "mongo" } : undefined);
    const members = Array.from({ length: k.mongo.members }, (_, i) => `${podDns("mongo", i, "mongo")}:27017`);
    const statefulSet = ctx.statefulSet("mongo", {
        serviceName: service.metadata.name,
        replicas: k.mongo.members,
        parallel: true,
        storageGi: k.mongo.storageGi,
        securityContext: securityContexts.mongo.pod,
        pod: {
            // mongod refuses a group-readable keyfile, and a Secret file is owned by root: mount it
            // readable by the fsGroup (0440), then copy it as uid 999 with mode 0400.
            initContainers: [
                {
                    name: "keyfile",
                    image: k.images.mongo,
                    command: [
                        "sh",
                        "-c",
                        "cp /keyfile-secret/keyfile /etc/mongo-keyfile/keyfile && chmod 0400 /etc/mongo-keyfile/keyfile",
                    ],
                    volumeMounts: [
                        { name: "keyfile-secret", mountPath: "/keyfile-secret", readOnly: true },
                        { name: "keyfile", mountPath: "/etc/mongo-keyfile" },
                    ],
                    securityContext: noEscalation,
                    resources: resourceSpec({ memoryMb: 128, cpuMillis: 100 }),
                },
            ],
            containers: [
                {
                    name: "mongo",
                    image: k.images.mongo,
                    command: mongoCommand(
                        p.mongo.replicaSet,
                        "/etc/mongo-keyfile/keyfile",
                        tls ? `${TLS_DIR}/${TLS_PEM_KEY}` : undefined,
                    ),
                    env: [
                        { name: "MONGO_INITDB_ROOT_USERNAME", value: "root" },
                        rootPassword,
                        // mongod reads its certificate at start: a renewed certificate changes the pod
                        // template through this (public) fingerprint, so the members roll onto it.
                        ...(tls ? [{ name: "CDC_TLS_CERT_SHA256", value: certFingerprint(tls) }] : []),
                    ],
                    ports: [{ name: "mongodb", containerPort: 27017 }],
                    volumeMounts: [
                        { name: "data", mountPath: "/data/db" },
                        { name: "keyfile", mountPath: "/etc/mongo-keyfile", readOnly: true },
                        ...(tls ? [{ name: "tls", mountPath: TLS_DIR, readOnly: true }] : []),
                    ],
                    readinessProbe: probes.readiness,
                    livenessProbe: probes.liveness,
                    resources: resourceSpec(k.resources.mongo),
                    securityContext: noEscalation,
                },
            ],
            volumes: [
                { name: "keyfile-secret", secret: { secretName: keyfile.metadata.name, defaultMode: 0o440 } },
                { name: "keyfile", emptyDir: { medium: "Memory" } },
                ...(tlsSecret
                    ? [{ name: "tls", secret: { secretName: tlsSecret.metadata.name, defaultMode: 0o440 } }]
                    : []),
            ],
        },
    });
    const budget = ctx.budget("mongo", k.mongo.members);
    const script = mongoInitScript(mongoInitOptions(p, members));
    const scriptMap = new k8s.core.v1.ConfigMap(
        `${name}-mongo-init-script`,
        { metadata: ctx.meta("mongo-init"), data: { "init.js": script } },
        child,
    );
    const init = new k8s.batch.v1.Job(
        `${name}-mongo-init`,
        {
            // Auto-named: a changed script replaces the Job (create-before-delete) and so runs again.
            metadata: ctx.meta("mongo-init"),
            spec: {
                backoffLimit: 6,
                template: ctx.podTemplate(
                    "mongo-init",
                    securityContexts.mongo.pod,
                    {
                        restartPolicy: "OnFailure",
                        containers: [
                            {
                                name: "init",
                                image: k.images.mongo,
                                env: [
                                    secretEnv("MONGO_ROOT_PASSWORD", credentials.metadata.name, "root-password"),
                                    secretEnv("DEBEZIUM_PASSWORD", credentials.metadata.name, "debezium-password"),
                                ],
                                command: [
                                    "bash",
                                    "-c",
                                    `exec mongosh --quiet ${tls ? `${MONGOSH_TLS} ` : ""}"mongodb://${members[0]}/admin?directConnection=true" -u root -p "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file /cdc/init.js`,
                                ],
                                volumeMounts: [
                                    { name: "script", mountPath: "/cdc", readOnly: true },
                                    ...(tls ? [{ name: "ca", mountPath: TLS_DIR, readOnly: true }] : []),
                                ],
                                securityContext: noEscalation,
                                resources: resourceSpec({ memoryMb: 256, cpuMillis: 200 }),
                            },
                        ],
                        volumes: [
                            { name: "script", configMap: { name: scriptMap.metadata.name } },
                            // The CA only: the Job verifies the members, it holds no key.
                            ...(tlsSecret
                                ? [
                                      {
                                          name: "ca",
                                          secret: {
                                              secretName: tlsSecret.metadata.name,
                                              items: [{ key: "ca.crt", path: "ca.crt" }],
                                              defaultMode: 0o444,
                                          },
                                      },
                                  ]
                                : []),
                        ],
                    },
                    { "cdc.pulumi/script-sha256": crypto.createHash("sha256").update(script).digest("hex") },
                ),
            },
        },
        { ...child, dependsOn: [statefulSet] },
    );
    const rs = p.mongo.replicaSet;
    return {
        statefulSet,
        service,
        init,
        budget,
        debeziumUri: pulumi.secret(debeziumConnectionString(p, members, creds.debeziumPassword, tls !== undefined)),
        hostConnectionString: pulumi.secret(
            creds.mongoRootPassword.apply((password) =>
                mongoConnectionString({
                    hosts: members,
                    user: "root",
                    password,
                    replicaSet: rs,
                    tls: tls !== undefined,
                }),
            ),
        ),
        ...(tls ? { connectorTls: debeziumMongoTls(), tlsSecret } : {}),
    };
}
