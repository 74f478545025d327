import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../seed/args";
import { resolveMongoUri } from "../../seed/mongo/uri";
import { parseSeedCommand } from "../../seed/seedFlags";
import { parseSimulateCommand } from "../../seed/simulateFlags";

function usageError(fn: () => unknown, pattern: RegExp): void {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
        assert.match((e as Error).message, pattern);
        return true;
    });
}

describe("npm run seed flags", () => {
    it("reads an emitter command line with both --flag value and --flag=value forms", () => {
        const cmd = parseSeedCommand([
            "--emit",
            "bronze",
            "--seed=7",
            "--customers",
            "3",
            "--products",
            "2",
            "--orders",
            "5",
            "--changes",
            "9",
            "--out",
            "/tmp/x",
        ]);
        assert.equal(cmd.mode, "emit");
        if (cmd.mode !== "emit") return;
        assert.deepEqual(
            { ...cmd.history, baseTime: cmd.history.baseTime.toISOString() },
            {
                seed: 7,
                customers: 3,
                products: 2,
                orders: 5,
                changes: 9,
                baseTime: "2025-01-01T00:00:00.000Z",
            },
        );
        assert.equal(cmd.out, "/tmp/x");
    });

    it("defaults a bare command to a MongoDB load of the default sizes", () => {
        const cmd = parseSeedCommand([]);
        assert.equal(cmd.mode, "mongo");
        if (cmd.mode !== "mongo") return;
        assert.deepEqual(cmd.history, { seed: 42, customers: 1000, products: 200, orders: 5000 });
        assert.equal(cmd.reset, false);
        assert.equal(cmd.batchSize, 1000);
    });

    it("names the flag and the expected form when a number is malformed or out of range", () => {
        usageError(() => parseSeedCommand(["--orders", "ten"]), /--orders must be a whole number .*got "ten"/);
        usageError(() => parseSeedCommand(["--orders", "-1"]), /--orders must be a whole number/);
        usageError(() => parseSeedCommand(["--customers", "2.5"]), /--customers must be a whole number/);
        usageError(() => parseSeedCommand(["--seed", "99999999999"]), /--seed must be between 0 and 4294967295/);
        usageError(() => parseSeedCommand(["--batch-size", "0"]), /--batch-size must be between 1 and 100000/);
    });

    it("rejects unknown flags, missing values, repeated flags and positional arguments", () => {
        usageError(() => parseSeedCommand(["--order", "5"]), /unknown flag --order .*--orders/);
        usageError(() => parseSeedCommand(["--orders"]), /--orders needs a value/);
        usageError(() => parseSeedCommand(["--orders", "--reset"]), /--orders needs a value/);
        usageError(() => parseSeedCommand(["--seed", "1", "--seed", "2"]), /--seed given twice/);
        usageError(() => parseSeedCommand(["bronze"]), /unexpected argument "bronze"/);
        usageError(() => parseSeedCommand(["--reset=yes"]), /--reset takes no value/);
    });

    it("explains flags that do not go together and how to fix them", () => {
        usageError(() => parseSeedCommand(["--emit", "bronze"]), /--emit bronze needs --out DIR/);
        usageError(
            () => parseSeedCommand(["--emit", "json", "--out", "d"]),
            /--emit must be one of bronze; got "json"/,
        );
        usageError(() => parseSeedCommand(["--out", "d"]), /--out only applies with --emit bronze/);
        usageError(
            () => parseSeedCommand(["--changes", "5"]),
            /--changes only applies with --emit bronze.*npm run simulate/,
        );
        usageError(
            () => parseSeedCommand(["--emit", "bronze", "--out", "d", "--uri", "mongodb://x"]),
            /--uri does not apply to --emit bronze/,
        );
        usageError(() => parseSeedCommand(["--emit", "bronze", "--out", "d", "--reset"]), /--reset does not apply/);
        usageError(
            () => parseSeedCommand(["--emit", "bronze", "--out", "d", "--tls-ca-file", "ca.pem"]),
            /--tls-ca-file does not apply to --emit bronze/,
        );
        usageError(
            () => parseSeedCommand(["--customers", "0", "--orders", "3"]),
            /--orders 3 needs at least one customer and one product/,
        );
        usageError(() => parseSeedCommand(["--base-time", "yesterday"]), /--base-time must be an ISO UTC time/);
    });

    it("prints help listing every flag", () => {
        const cmd = parseSeedCommand(["--help"]);
        assert.equal(cmd.mode, "help");
        if (cmd.mode === "help")
            for (const f of ["--emit", "--out", "--changes", "--uri", "--tls-ca-file", "--reset", "--seed"])
                assert.ok(cmd.text.includes(f), f);
    });
});

describe("npm run simulate flags", () => {
    it("reads rate, duration and seed, with defaults of 5/s until Ctrl-C", () => {
        assert.deepEqual(parseSimulateCommand([]), {
            mode: "run",
            uri: undefined,
            tlsCaFile: undefined,
            rate: 5,
            durationS: 0,
            seed: undefined,
            allowStandalone: false,
        });
        assert.deepEqual(parseSimulateCommand(["--rate", "12.5", "--duration=30", "--seed", "3"]), {
            mode: "run",
            uri: undefined,
            tlsCaFile: undefined,
            rate: 12.5,
            durationS: 30,
            seed: 3,
            allowStandalone: false,
        });
    });

    it("reads --tls-ca-file", () => {
        const cmd = parseSimulateCommand(["--tls-ca-file", "cdc-ca.pem"]);
        assert.equal(cmd.mode === "run" && cmd.tlsCaFile, "cdc-ca.pem");
    });

    it("rejects a zero or malformed rate naming the flag", () => {
        usageError(() => parseSimulateCommand(["--rate", "0"]), /--rate must be between 0.1 and 10000/);
        usageError(() => parseSimulateCommand(["--rate", "fast"]), /--rate must be a number/);
        usageError(() => parseSimulateCommand(["--duration", "-5"]), /--duration must be a number/);
    });
});

describe("resolveMongoUri", () => {
    const noStack = () => ({ problem: "the pulumi CLI is not on PATH" });

    it("prefers --uri, then MONGODB_URI, then the stack output", () => {
        const stack = () => ({ value: "mongodb://stack:27017" });
        assert.deepEqual(resolveMongoUri("mongodb://flag", { MONGODB_URI: "mongodb://env" }, stack), {
            uri: "mongodb://flag",
            from: "--uri",
        });
        assert.deepEqual(resolveMongoUri(undefined, { MONGODB_URI: "mongodb://env" }, stack), {
            uri: "mongodb://env",
            from: "MONGODB_URI",
        });
        assert.deepEqual(resolveMongoUri(undefined, {}, stack), {
            uri: "mongodb://stack:27017",
            from: "pulumi stack output mongoUri",
        });
    });

    it("says why the stack gave none and every way to provide a URI", () => {
        usageError(
            () => resolveMongoUri(undefined, {}, noStack),
            /no MongoDB URI: the pulumi CLI is not on PATH\. Provide one with --uri .*MONGODB_URI.*npm run up/,
        );
    });
});
