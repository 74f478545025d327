/**
 * When `pulumi up` replaces a certificate, decided in the providers' diffs (pure; the clock is
 * passed in): the certificate expires inside its renewal window, or what it certifies changed
 * (names, subject, validity, CA). Each reason names the property it is about and is a sentence
 * the diff logs, so the user sees why.
 */
import { isUnknown } from "../shared/unknown";
import type { CaInputs, CaOutputs, CertificateInputs, CertificateOutputs } from "./types";

const DAY_MS = 86_400_000;

/** One reason to replace: the property it is about (`notAfter` for an expiry) and what happened. */
export interface ReplaceReason {
    property: string;
    reason: string;
}

/** "expires 2027-01-02, inside the 30-day renewal window", or undefined when outside it. */
export function expiryReason(notAfter: string, renewBeforeDays: number, now: Date): string | undefined {
    const end = new Date(notAfter);
    if (Number.isNaN(end.getTime())) return "its expiry date is not readable from the state";
    if (end.getTime() - now.getTime() >= renewBeforeDays * DAY_MS) return undefined;
    const day = end.toISOString().slice(0, 10);
    return end.getTime() <= now.getTime()
        ? `expired ${day}`
        : `expires ${day}, inside the ${renewBeforeDays}-day renewal window`;
}

function listChange(what: string, before: string[] | undefined, after: string[]): string | undefined {
    const b = [...(before ?? [])].sort();
    const a = [...after].sort();
    if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
    const added = a.filter((x) => !b.includes(x));
    const removed = b.filter((x) => !a.includes(x));
    const parts = [
        added.length ? `added ${added.join(", ")}` : "",
        removed.length ? `removed ${removed.join(", ")}` : "",
    ];
    return `its ${what} changed (${parts.filter(Boolean).join("; ")})`;
}

/** Why a service certificate must be replaced (every reason), empty when it is kept. */
export function certificateReplaceReasons(
    olds: Partial<CertificateOutputs>,
    news: CertificateInputs,
    now: Date,
): ReplaceReason[] {
    const reasons: ReplaceReason[] = [];
    const push = (property: string, reason: string) => reasons.push({ property, reason });
    if (olds.commonName !== news.commonName)
        push("commonName", `its subject changed (CN ${olds.commonName ?? "?"} → ${news.commonName})`);
    if (
        isUnknown(news.dnsNames) ||
        isUnknown(news.ipAddresses) ||
        news.dnsNames.some(isUnknown) ||
        news.ipAddresses.some(isUnknown)
    )
        push("dnsNames", "its names are not known yet");
    else {
        const dns = listChange("DNS names", olds.dnsNames, news.dnsNames);
        const ips = listChange("IP addresses", olds.ipAddresses, news.ipAddresses);
        if (dns) push("dnsNames", dns);
        if (ips) push("ipAddresses", ips);
    }
    if (olds.validityDays !== news.validityDays)
        push("validityDays", `its validity changed (${olds.validityDays ?? "?"} → ${news.validityDays} days)`);
    if (isUnknown(news.caCertPem) || olds.caCertPem !== news.caCertPem) push("caCertPem", "its CA changed");
    else if (isUnknown(news.storePassword) || olds.storePassword !== news.storePassword)
        push("storePassword", "the store password changed");
    const expiry = olds.notAfter === undefined ? undefined : expiryReason(olds.notAfter, news.renewBeforeDays, now);
    if (expiry) push("notAfter", expiry);
    return reasons;
}

/** Why the CA must be replaced (every reason), empty when it is kept. */
export function caReplaceReasons(olds: Partial<CaOutputs>, news: CaInputs, now: Date): ReplaceReason[] {
    const reasons: ReplaceReason[] = [];
    const push = (property: string, reason: string) => reasons.push({ property, reason });
    const givenBefore = olds.givenCertPem !== undefined;
    const givenNow = news.givenCertPem !== undefined;
    if (givenBefore !== givenNow)
        push(
            "givenCertPem",
            givenNow ? "cdc:tls.ca now gives the CA" : "cdc:tls.ca was removed: the stack makes its own CA",
        );
    else if (givenNow) {
        if (isUnknown(news.givenCertPem) || olds.givenCertPem !== news.givenCertPem)
            push("givenCertPem", "the CA given in cdc:tls.ca changed");
        else if (isUnknown(news.givenKeyPem) || olds.givenKeyPem !== news.givenKeyPem)
            push("givenKeyPem", "the CA key given in cdc:tls.ca changed");
        return reasons; // the user's CA: its lifetime is theirs
    }
    if (olds.commonName !== news.commonName)
        push("commonName", `its subject changed (CN ${olds.commonName ?? "?"} → ${news.commonName})`);
    if (olds.validityDays !== news.validityDays)
        push("validityDays", `its validity changed (${olds.validityDays ?? "?"} → ${news.validityDays} days)`);
    const expiry = olds.notAfter === undefined ? undefined : expiryReason(olds.notAfter, news.renewBeforeDays, now);
    if (expiry) push("notAfter", expiry);
    return reasons;
}
