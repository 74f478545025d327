/**
 * The secure test Kafka's credentials: a throw-away CA (test/support/tls-pki.ts), a certificate for
 * the broker and one for the Connect workers (both for 127.0.0.1 and localhost), their PKCS12
 * keystores, a PKCS12 truststore holding the CA (made by the JDK's keytool: Java ignores a
 * certificate-only PKCS12 entry without its "trusted" attribute, which node-forge cannot write),
 * and random passwords for the SCRAM users, the stores and Connect's REST user. Or, with
 * {@link IssuedKafkaTls}, the CA, stores and store password a stack issued (the certificates
 * provider's outputs), written as files the same way.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import forge from "node-forge";
import {
    CONNECT_REST_USER,
    KAFKA_USERS,
    TLS_STORE_PASSWORD_ENV,
    type TlsFiles,
} from "../../../components/platform/shared/kafkaSecurity";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../tls-pki";

/** Everything a test needs to reach the secure broker and workers, and to build wrong credentials. */
export interface KafkaTestSecurity {
    /** The CA (its `keyPem` is empty when the CA came from a stack: {@link IssuedKafkaTls}). */
    ca: TestKeyPair;
    /** PEM file of the CA. */
    caFile: string;
    broker: TlsFiles;
    connect: TlsFiles;
    storePassword: string;
    /** SCRAM users and their passwords. */
    users: Record<keyof typeof KAFKA_USERS, { user: string; password: string }>;
    /** Connect REST basic auth. */
    rest: { user: string; password: string };
    /** The env of the broker's JVMs (store password, SCRAM passwords for `--add-scram`). */
    brokerEnv: Record<string, string>;
    /** The env of the workers' JVMs. */
    workerEnv: Record<string, string>;
}

/** What a stack issued for Kafka (the `stackTls` / certificates provider outputs, in clear). */
export interface IssuedKafkaTls {
    caPem: string;
    /** The CA as a PKCS12 truststore, base64. */
    truststoreP12Base64: string;
    storePassword: string;
    /** The broker's (`kafka`) and the workers' (`connect`) PKCS12 keystores, base64. */
    keystores: { kafka: string; connect: string };
}

/** Writes the stack's CA and stores over the files of `sec` (paths unchanged: what a restart reads). */
export function writeIssuedTls(sec: SecurityFiles, issued: IssuedKafkaTls): void {
    const write = (file: string, data: string | Buffer) => fs.writeFileSync(file, data, { mode: 0o600 });
    write(sec.caFile, issued.caPem);
    write(sec.broker.truststore, Buffer.from(issued.truststoreP12Base64, "base64"));
    write(sec.broker.keystore, Buffer.from(issued.keystores.kafka, "base64"));
    write(sec.connect.keystore, Buffer.from(issued.keystores.connect, "base64"));
}

const secret = () => randomBytes(18).toString("base64url").replace(/[-_]/g, "x");

function keystore(dir: string, name: string, pair: TestKeyPair, ca: TestKeyPair, password: string): string {
    const asn1 = forge.pkcs12.toPkcs12Asn1(
        forge.pki.privateKeyFromPem(pair.keyPem),
        [forge.pki.certificateFromPem(pair.certPem), forge.pki.certificateFromPem(ca.certPem)],
        password,
        { algorithm: "3des", friendlyName: name },
    );
    const file = path.join(dir, `${name}.p12`);
    fs.writeFileSync(file, Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"), { mode: 0o600 });
    return file;
}

/**
 * Writes the CA, certificates and stores into `dir`, or the ones `issued` by a stack.
 * `keytool` is the JDK's (beside `java`).
 */
export function makeKafkaTestSecurity(dir: string, keytool: string, issued?: IssuedKafkaTls): KafkaTestSecurity {
    fs.mkdirSync(dir, { recursive: true });
    if (issued)
        return withPasswords(issuedFiles(dir, issued), { certPem: issued.caPem, keyPem: "" }, issued.storePassword);
    const ca = makeTestCa("cdc-kafka-test-ca");
    const caFile = path.join(dir, "ca.crt");
    fs.writeFileSync(caFile, ca.certPem);
    const storePassword = secret();
    const truststore = path.join(dir, "truststore.p12");
    execFileSync(keytool, [
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caFile,
        "-keystore",
        truststore,
        "-storetype",
        "PKCS12",
        "-storepass",
        storePassword,
    ]);
    const hosts = ["127.0.0.1", "localhost"];
    const files = (name: string): TlsFiles => ({
        ca: caFile,
        truststore,
        keystore: keystore(dir, name, makeTestCert(ca, { commonName: name, hosts }), ca, storePassword),
    });
    return withPasswords({ caFile, broker: files("kafka"), connect: files("connect") }, ca, storePassword);
}

type SecurityFiles = Pick<KafkaTestSecurity, "caFile" | "broker" | "connect">;

function issuedFiles(dir: string, issued: IssuedKafkaTls): SecurityFiles {
    const caFile = path.join(dir, "ca.crt");
    const truststore = path.join(dir, "truststore.p12");
    const files = (name: string): TlsFiles => ({ ca: caFile, truststore, keystore: path.join(dir, `${name}.p12`) });
    const sec = { caFile, broker: files("kafka"), connect: files("connect") };
    writeIssuedTls(sec, issued);
    return sec;
}

/** The files plus fresh random passwords for the SCRAM users and Connect's REST user. */
function withPasswords(files: SecurityFiles, ca: TestKeyPair, storePassword: string): KafkaTestSecurity {
    const users = {
        connect: { user: KAFKA_USERS.connect.name, password: secret() },
        status: { user: KAFKA_USERS.status.name, password: secret() },
    };
    const rest = { user: CONNECT_REST_USER.name, password: secret() };
    const passwords = {
        [TLS_STORE_PASSWORD_ENV]: storePassword,
        [KAFKA_USERS.connect.passwordEnv]: users.connect.password,
        [KAFKA_USERS.status.passwordEnv]: users.status.password,
    };
    return {
        ca,
        ...files,
        storePassword,
        users,
        rest,
        brokerEnv: passwords,
        workerEnv: {
            [TLS_STORE_PASSWORD_ENV]: storePassword,
            [KAFKA_USERS.connect.passwordEnv]: users.connect.password,
            [CONNECT_REST_USER.passwordEnv]: rest.password,
        },
    };
}
