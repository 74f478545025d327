/**
 * PKCS12 stores for the JVM services (Kafka, Kafka Connect, the ClickHouse sink), pure node-forge:
 * a keystore holding a service's key with its certificate chain (a `PrivateKeyEntry` to Java), and
 * a truststore holding the CA (a `trustedCertEntry`). Java reads a certificate-only bag as a
 * trusted entry only when the bag carries Oracle's trusted-key-usage attribute
 * (2.16.840.1.113894.746875.1.1, what `keytool -importcert` writes); node-forge cannot add a bag
 * attribute, so the truststore's PFX is assembled here from forge's ASN.1 and PKCS12 primitives.
 */
import forge from "node-forge";

const { asn1, pki } = forge;
const UNIVERSAL = asn1.Class.UNIVERSAL;

/** Oracle's attribute marking a certificate bag as a trust anchor, and its value: any extended key usage. */
const ORACLE_TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
/** PKCS12 MAC iterations (node-forge's default). */
const MAC_ITERATIONS = 2048;

const seq = (items: forge.asn1.Asn1[]) => asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(UNIVERSAL, asn1.Type.SET, true, items);
const oid = (o: string) => asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (bytes: string) => asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const explicit0 = (item: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
const der = (item: forge.asn1.Asn1) => asn1.toDer(item).getBytes();
const base64 = (item: forge.asn1.Asn1) => forge.util.encode64(der(item));
/** PKCS#7 ContentInfo of type data. */
const dataContent = (item: forge.asn1.Asn1) => seq([oid(pki.oids.data), explicit0(octets(der(item)))]);

/**
 * A keystore: the key (encrypted with `password`, 3DES as every JVM and OpenSSL read it) and the
 * chain (the service's certificate first, then its CA), base64.
 */
export function keystoreP12(keyPem: string, chainPems: string[], password: string, alias = "tls"): string {
    const key = pki.privateKeyFromPem(keyPem);
    const chain = chainPems.map((p) => pki.certificateFromPem(p));
    const pfx = forge.pkcs12.toPkcs12Asn1(key, chain, password, {
        algorithm: "3des",
        friendlyName: alias,
        generateLocalKeyId: true,
    });
    return base64(pfx);
}

/** A truststore holding `caPem` as a trusted entry named `alias`, its integrity protected with `password`, base64. */
export function truststoreP12(caPem: string, password: string, alias = "cdc-ca"): string {
    const cert = pki.certificateFromPem(caPem);
    const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);
    const bag = seq([
        oid(pki.oids.certBag),
        explicit0(seq([oid(pki.oids.x509Certificate), explicit0(octets(der(pki.certificateToAsn1(cert))))])),
        set([
            attribute(pki.oids.friendlyName, asn1.create(UNIVERSAL, asn1.Type.BMPSTRING, false, alias)),
            attribute(ORACLE_TRUSTED_KEY_USAGE, oid(ANY_EXTENDED_KEY_USAGE)),
        ]),
    ]);
    const authSafe = seq([dataContent(seq([bag]))]);
    // MacData over the AuthenticatedSafe: HMAC-SHA1 with the PKCS12-derived key (RFC 7292, appendix B).
    const salt = forge.random.getBytesSync(8);
    const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, MAC_ITERATIONS, 20);
    const hmac = forge.hmac.create();
    hmac.start(forge.md.sha1.create(), macKey.getBytes());
    hmac.update(der(authSafe));
    const macData = seq([
        seq([
            seq([oid(pki.oids.sha1), asn1.create(UNIVERSAL, asn1.Type.NULL, false, "")]),
            octets(hmac.digest().getBytes()),
        ]),
        octets(salt),
        asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(MAC_ITERATIONS).getBytes()),
    ]);
    const pfx = seq([
        asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
        dataContent(authSafe),
        macData,
    ]);
    return base64(pfx);
}

/** What a store holds, read back with node-forge (tests, checks): its certificates' PEMs, whether it has a key. */
export function readP12(base64P12: string, password: string): { certPems: string[]; hasKey: boolean } {
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(forge.util.decode64(base64P12)), password);
    const certBags = p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? [];
    const keyBags = p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? [];
    return {
        certPems: certBags.filter((b) => b.cert).map((b) => pki.certificateToPem(b.cert!)),
        hasKey: keyBags.some((b) => b.key),
    };
}
