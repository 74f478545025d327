/**
 * Values the docker provider reads back exactly as written. The provider stores what Docker
 * reports, so an input spelled differently (`"60s"` for `"1m0s"`, `"1.00"` CPUs for `"1.0"`) shows
 * as a change, or a replacement, on every `up`.
 */

/**
 * A duration in the form the docker provider reads back (Go's `time.Duration.String()`:
 * `10s`, `1m0s`, `1h0m0s`). The provider stores what Docker reports, so `"60s"` would come back
 * as `"1m0s"` and show as a change on every `up`.
 */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0)
        throw new Error(`goDuration: whole seconds >= 0 expected, got ${seconds}`);
    if (seconds === 0) return "0s";
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) return `${h}h${m}m${s}s`;
    if (m > 0) return `${m}m${s}s`;
    return `${s}s`;
}

/** `cpuMillis` as decimal CPUs, exactly (`1500` → `1.5`, `10000` → `10`); for messages. */
function millisToDecimal(millis: number): string {
    const frac = String(millis % 1000)
        .padStart(3, "0")
        .replace(/0+$/, "");
    return `${Math.floor(millis / 1000)}${frac ? `.${frac}` : ""}`;
}

/**
 * The `cpus` string the docker provider reads back for `millis` (its `nanoInt64ToDecimalString`:
 * nine decimals, then "1.0" when the text has exactly nine zeros, else trailing zeros trimmed).
 */
function providerCpusReadBack(millis: number): string {
    const nine = `${Math.floor(millis / 1000)}.${String(millis % 1000).padStart(3, "0")}000000`;
    if ((nine.match(/0/g) ?? []).length === 9) {
        // big.Rat.FloatString(1): rounded to one decimal, halves away from zero.
        const tenths = Math.floor((millis + 50) / 100);
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return nine.replace(/0+$/, "");
}

/** Millicores a `cpus` string stands for (what Docker's ParseCPUs makes of it). */
function decimalToMillis(cpus: string): number {
    const [whole, frac = ""] = cpus.split(".");
    return Number(whole) * 1000 + Number((frac + "000").slice(0, 3));
}

/**
 * The container's `cpus` input for `millis`, written the way the provider reads it back (`"1.0"`,
 * not `"1.00"`): `cpus` forces replacement, so any other spelling replaces the container on every
 * `up`. For the few values the provider cannot read back exactly (it rounds e.g. 10.05 CPUs to
 * `"10.1"`), this throws, naming `key` and the nearest values that work.
 */
export function dockerCpus(millis: number, key: string): string {
    const stable = (m: number) => decimalToMillis(providerCpusReadBack(m)) === m;
    if (!Number.isInteger(millis) || millis <= 0)
        throw new Error(`${key}: ${millis} is not a positive number of millicores`);
    if (!stable(millis)) {
        let lower = millis - 1;
        while (lower > 0 && !stable(lower)) lower--;
        let upper = millis + 1;
        while (!stable(upper)) upper++;
        throw new Error(
            `${key}: ${millis} (${millisToDecimal(millis)} CPUs) cannot be set on docker: the docker provider reads it back as ` +
                `"${providerCpusReadBack(millis)}" and would replace the container on every up. ` +
                `Use ${lower} or ${upper}: pulumi config set --path ${key} ${upper}`,
        );
    }
    return providerCpusReadBack(millis);
}
