/**
 * `cdc:tls`: the stack's certificates (see docs/security.md). Every platform is secure by default;
 * TLS may be turned off on docker only, the CA may be the user's own (a secret), and the external
 * platform takes a CA bundle and refuses plaintext to a remote address unless told otherwise.
 * PEM values are checked with node's X509 support and never shown in a problem's message.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import type { ConfigContext } from "./checks";
import { bool, type ConfigProblem, Field, int, validate } from "./schema";

/** The user's own CA: the stack signs the service certificates with it. */
export interface TlsCa {
    certPem: string;
    keyPem: string;
}

export interface TlsSettings {
    /** TLS on every hop. `false` is accepted on the docker platform only. */
    enabled: boolean;
    /** Lifetime of each service certificate, in days. */
    validityDays: number;
    /** `pulumi up` replaces a service certificate this many days before it expires. */
    renewBeforeDays: number;
    /** Lifetime of the generated CA, in days. */
    caValidityDays: number;
    /** Bring your own CA (a secret); absent: the stack generates one. */
    ca?: TlsCa;
    /** External platform: PEM certificates the pipeline's clients trust. */
    caBundle?: string;
    /** External platform: allow http / plaintext to a non-loopback address. */
    allowPlaintext: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text (empty when there is none). */
export function pemCertificates(pem: string): string[] {
    return pem.match(PEM_CERT) ?? [];
}

/** A PEM string field whose value is never echoed in a problem (it may be a secret, or long). */
function pem(what: string, rule: (v: string) => string | undefined): Field<string | undefined> {
    return new Field<string>(undefined, (v, key, problems) => {
        const problem =
            typeof v !== "string" || v.trim() === "" ? `is not a PEM ${what} (the value is not shown)` : rule(v);
        if (problem) problems.push({ key, message: problem });
        return problem ? undefined : (v as string);
    }).optional();
}

function certProblem(v: string): string | undefined {
    const certs = pemCertificates(v);
    if (certs.length !== 1)
        return `must hold exactly one PEM certificate (found ${certs.length}; the value is not shown)`;
    try {
        const x = new X509Certificate(certs[0]);
        if (!x.ca)
            return "is a certificate but not a CA (basicConstraints CA:TRUE is missing); give the CA's certificate";
        if (x.publicKey.asymmetricKeyType !== "rsa")
            return `is a ${x.publicKey.asymmetricKeyType ?? "non-RSA"} CA; the stack signs with RSA only: give an RSA CA`;
        return undefined;
    } catch {
        return "does not parse as a PEM certificate (the value is not shown)";
    }
}

function keyProblem(v: string): string | undefined {
    try {
        createPrivateKey(v);
        return undefined;
    } catch {
        return "does not parse as an unencrypted PEM private key (PKCS#1 or PKCS#8; the value is not shown)";
    }
}

function bundleProblem(v: string): string | undefined {
    const certs = pemCertificates(v);
    if (certs.length === 0) return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
    for (const [i, c] of certs.entries()) {
        try {
            new X509Certificate(c);
        } catch {
            return `certificate ${i + 1} of ${certs.length} does not parse`;
        }
    }
    return undefined;
}

export const tlsShape = {
    enabled: bool(true),
    validityDays: int(90, 1, 3650, "days"),
    renewBeforeDays: int(30, 0, 3650, "days"),
    caValidityDays: int(3650, 1, 36_500, "days"),
    ca: {
        certPem: pem("CA certificate", certProblem),
        keyPem: pem("private key", keyProblem),
    },
    caBundle: pem("certificate bundle", bundleProblem),
    allowPlaintext: bool(false),
} as const;

export const TLS_DEFAULTS = {
    enabled: true,
    validityDays: 90,
    renewBeforeDays: 30,
    caValidityDays: 3650,
    allowPlaintext: false,
} as const;

const CA_FIX =
    'set both, encrypted: `pulumi config set --secret --path cdc:tls.ca.certPem -- "$(cat ca.crt)"` and ' +
    '`pulumi config set --secret --path cdc:tls.ca.keyPem -- "$(cat ca.key)"`';

/** Hosts that never leave the machine. */
export function isLoopbackHost(host: string): boolean {
    const h = host.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::1";
}

/** The host of a URL, or undefined when it does not parse. */
function urlHost(url: string): string | undefined {
    try {
        return new URL(url).hostname;
    } catch {
        return undefined;
    }
}

/**
 * Validates `cdc:tls` (`raw` is the whole stack config) for `platform`: each key, then the rules
 * across keys and platforms. `now` is for tests (the CA's expiry).
 */
export function parseTls(
    raw: Record<string, unknown>,
    platform: string,
    ctx: ConfigContext,
    problems: ConfigProblem[],
    now: Date = new Date(),
): TlsSettings {
    const before = problems.length;
    const v = validate(tlsShape, raw.tls, "cdc:tls", problems);
    const rawCa = (raw.tls as { ca?: unknown } | undefined)?.ca;
    const hasCa = rawCa !== undefined && rawCa !== null;
    const settings: TlsSettings = {
        enabled: v.enabled,
        validityDays: v.validityDays,
        renewBeforeDays: v.renewBeforeDays,
        caValidityDays: v.caValidityDays,
        allowPlaintext: v.allowPlaintext,
        ...(v.caBundle !== undefined ? { caBundle: v.caBundle } : {}),
        ...(v.ca.certPem !== undefined && v.ca.keyPem !== undefined
            ? { ca: { certPem: v.ca.certPem, keyPem: v.ca.keyPem } }
            : {}),
    };
    if (problems.length > before) return settings;
    const push = (key: string, message: string) => problems.push({ key: `cdc:tls${key}`, message });

    if (settings.renewBeforeDays >= settings.validityDays)
        push(
            ".renewBeforeDays",
            `${settings.renewBeforeDays} is not less than cdc:tls.validityDays (${settings.validityDays}): every \`pulumi up\` would replace the certificates. Lower it, e.g. \`pulumi config set --path cdc:tls.renewBeforeDays ${Math.floor(settings.validityDays / 3)}\``,
        );
    if (!settings.ca && settings.validityDays > settings.caValidityDays)
        push(
            ".validityDays",
            `${settings.validityDays} is longer than cdc:tls.caValidityDays (${settings.caValidityDays}): a service certificate must not outlive its CA`,
        );
    if (!settings.enabled && platform !== "docker")
        push(
            ".enabled",
            `false is accepted on the docker platform only (this stack is ${JSON.stringify(platform)}): every hop of a shared platform is encrypted. Remove it: \`pulumi config rm --path cdc:tls.enabled\``,
        );
    if (hasCa) checkCa(settings, rawCa, platform, ctx, push, now);
    if (platform !== "external") {
        if (settings.caBundle !== undefined)
            push(
                ".caBundle",
                `is read on the external platform only; on ${platform} the stack makes its own CA (bring yours with cdc:tls.ca). Remove it: \`pulumi config rm --path cdc:tls.caBundle\``,
            );
        if ((raw.tls as { allowPlaintext?: unknown } | undefined)?.allowPlaintext !== undefined)
            push(
                ".allowPlaintext",
                `is read on the external platform only; on ${platform} turn TLS off with cdc:tls.enabled (docker only). Remove it: \`pulumi config rm --path cdc:tls.allowPlaintext\``,
            );
    } else if (!settings.allowPlaintext) {
        checkNoRemotePlaintext(raw.external, problems);
    }
    return settings;
}

function checkCa(
    s: TlsSettings,
    rawCa: unknown,
    platform: string,
    ctx: ConfigContext,
    push: (key: string, message: string) => void,
    now: Date,
): void {
    const given = (rawCa ?? {}) as { certPem?: unknown; keyPem?: unknown };
    if (platform === "external") {
        push(
            ".ca",
            "is read on the docker and kubernetes platforms only (the stack signs its services' certificates with it); on external give the CA your services use as cdc:tls.caBundle",
        );
        return;
    }
    if (ctx.secretKeys && !ctx.secretKeys.has("cdc:tls")) {
        push(
            ".ca",
            `is stored in plain text in Pulumi.<stack>.yaml; a CA key must be encrypted. Run \`pulumi config rm --path cdc:tls.ca\`, then ${CA_FIX} (and make a new CA if the file was shared)`,
        );
    }
    for (const f of ["certPem", "keyPem"] as const) {
        if (given[f] === undefined) push(`.ca.${f}`, `is missing: a CA needs its certificate and its key; ${CA_FIX}`);
    }
    if (!s.ca) return;
    const cert = new X509Certificate(pemCertificates(s.ca.certPem)[0]);
    if (!cert.checkPrivateKey(createPrivateKey(s.ca.keyPem)))
        push(".ca.keyPem", "is not the private key of cdc:tls.ca.certPem (they do not match); give the CA's own key");
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() - now.getTime() < s.validityDays * 86_400_000)
        push(
            ".ca.certPem",
            `expires ${notAfter.toISOString().slice(0, 10)}, before a certificate of cdc:tls.validityDays (${s.validityDays}) issued now would; renew the CA or lower cdc:tls.validityDays`,
        );
}

/**
 * External platform: a URL the pipeline's tools call must be https unless its host is loopback
 * (the credentials and the data would cross the network in clear).
 */
function checkNoRemotePlaintext(external: unknown, problems: ConfigProblem[]): void {
    if (!external || typeof external !== "object") return;
    const e = external as { connectUrl?: unknown; clickhouse?: { url?: unknown } };
    for (const [key, url] of [
        ["cdc:external.connectUrl", e.connectUrl],
        ["cdc:external.clickhouse.url", e.clickhouse?.url],
    ] as const) {
        if (typeof url !== "string" || !/^http:\/\//i.test(url)) continue;
        const host = urlHost(url);
        if (host === undefined || isLoopbackHost(host)) continue;
        problems.push({
            key,
            message: `is plain http to ${host}, which is not a loopback address: passwords and data would cross the network in clear. Use its https:// URL (trusting cdc:tls.caBundle), or allow plaintext explicitly with \`pulumi config set --path cdc:tls.allowPlaintext true\``,
        });
    }
}
