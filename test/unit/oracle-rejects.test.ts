/**
 * The oracle's reject rules, envelope level (rules 1–6: not_json, unknown_op, no_source,
 * bad_document, skipped null-after, no_id), their precedence, and what a reject does to the
 * fold: nothing to the documents or gold, one entry per Kafka coordinate.
 * Field checks (rule 7): oracle-reject-fields.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BronzeBuilder, customerDoc, oid, orderDoc, productDoc, strictJson } from "../support/oracle/builder";
import { classifyRow, computeGold, foldBronze, rejectsAsRows, type BronzeRow } from "../support/oracle";
import type { Collection } from "../support/oracle/documents";
import { malformedRows } from "../support/malformed-rows";

const C1 = oid(0xc1);
const P1 = oid(0xa1);
const O1 = oid(0x01);
const TODAY = new Date("2024-06-15T00:00:00Z");

/** A copy of `row` whose envelope `change` edited (the row keeps its coordinates). */
function edit(row: BronzeRow, change: (env: Record<string, unknown>) => void): BronzeRow {
    const env = JSON.parse(row.raw_data) as Record<string, unknown>;
    change(env);
    return { ...row, raw_data: JSON.stringify(env) };
}

/** A copy of `row` with another `raw_data`. */
const withRaw = (row: BronzeRow, raw_data: string): BronzeRow => ({ ...row, raw_data });

/** The reason of a rejected row, or the kind (`event`/`skip`) of any other. */
function outcome(row: BronzeRow, collection: Collection): string {
    const c = classifyRow(row, collection);
    return c.kind === "reject" ? c.reason : c.kind;
}

const insertCustomer = (): BronzeRow => new BronzeBuilder().insert("customers", customerDoc(C1), { tsMs: 1000 });
const source = (env: Record<string, unknown>): Record<string, unknown> => env.source as Record<string, unknown>;

describe("oracle reject rules: envelope", () => {
    it("reads a well-formed insert as an event with its id, time and coordinates", () => {
        const c = classifyRow(
            new BronzeBuilder().insert("customers", customerDoc(C1), { tsMs: 1234, ord: 3, partition: 2 }),
            "customers",
        );
        assert.equal(c.kind, "event");
        assert.ok(c.kind === "event");
        assert.deepEqual(
            { ...c.event, after: null },
            { op: "c", docId: C1, after: null, tsMs: 1234n, ord: 3n, partition: 2n, offset: 0n },
        );
        assert.equal(c.event.after?.first_name, "Ada");
    });

    it("not_json: invalid or truncated JSON, or JSON that is not an object", () => {
        const row = insertCustomer();
        for (const raw of ["{", row.raw_data.slice(0, -7), "", "[]", "[{}]", "42", '"text"', "null", "true"]) {
            assert.equal(outcome(withRaw(row, raw), "customers"), "not_json", `raw_data ${JSON.stringify(raw)}`);
        }
    });

    it("unknown_op: op absent, not a string, or not r/c/u/d", () => {
        for (const op of [undefined, null, 1, ["c"], "x", "C", "delete", ""]) {
            const row = edit(insertCustomer(), (env) => (op === undefined ? delete env.op : (env.op = op)));
            assert.equal(outcome(row, "customers"), "unknown_op", `op ${JSON.stringify(op)}`);
        }
    });

    it("no_source: source absent or not an object, ts_ms absent or not an integer, ord not an integer", () => {
        const cases: [string, (env: Record<string, unknown>) => void][] = [
            ["no source", (env) => delete env.source],
            ["source null", (env) => (env.source = null)],
            ["source a string", (env) => (env.source = '{"ts_ms": 1}')],
            ["no ts_ms", (env) => delete source(env).ts_ms],
            ["ts_ms null", (env) => (source(env).ts_ms = null)],
            ["ts_ms 1.5", (env) => (source(env).ts_ms = 1.5)],
            ["ts_ms text", (env) => (source(env).ts_ms = "12a")],
            ["ts_ms with +", (env) => (source(env).ts_ms = "+12")],
            ["ord text", (env) => (source(env).ord = "first")],
            ["ord 1.5", (env) => (source(env).ord = 1.5)],
        ];
        for (const [name, change] of cases)
            assert.equal(outcome(edit(insertCustomer(), change), "customers"), "no_source", name);
    });

    it("reads ts_ms written 1000.0 as 1000, as silver does (ClickHouse re-writes the double), and 1000.5 as no_source", () => {
        const row = insertCustomer();
        assert.equal(
            outcome(withRaw(row, row.raw_data.replace('"ts_ms":1000,', '"ts_ms":1000.0,')), "customers"),
            "event",
        );
        assert.equal(
            outcome(withRaw(row, row.raw_data.replace('"ts_ms":1000,', '"ts_ms":1000.5,')), "customers"),
            "no_source",
        );
        assert.equal(
            outcome(withRaw(row, row.raw_data.replace('"ts_ms":1000,', '"ts_ms":1e21,')), "customers"),
            "no_source",
        );
    });

    it("accepts ts_ms and ord as digit strings and an absent or null ord as 0, exactly up to Int64's maximum", () => {
        const read = (change: (env: Record<string, unknown>) => void) => {
            const c = classifyRow(edit(insertCustomer(), change), "customers");
            assert.ok(c.kind === "event", `got ${c.kind}`);
            return [c.event.tsMs, c.event.ord];
        };
        assert.deepEqual(
            read((env) => Object.assign(source(env), { ts_ms: "1700000000000", ord: "2" })),
            [1_700_000_000_000n, 2n],
        );
        assert.deepEqual(
            read((env) => delete source(env).ord),
            [1000n, 0n],
        );
        assert.deepEqual(
            read((env) => (source(env).ord = null)),
            [1000n, 0n],
        );
        assert.deepEqual(
            read((env) => Object.assign(source(env), { ts_ms: 0, ord: "-0" })),
            [0n, 0n],
        );
        const row = insertCustomer();
        const max = withRaw(
            row,
            row.raw_data
                .replace('"ts_ms":1000,', '"ts_ms":9223372036854775807,')
                .replace('"ord":1,', '"ord":9223372036854775806,'),
        );
        const c = classifyRow(max, "customers");
        assert.ok(c.kind === "event", `got ${c.kind}`);
        assert.deepEqual([c.event.tsMs, c.event.ord], [2n ** 63n - 1n, 2n ** 63n - 2n]);
    });

    it("no_source: a negative ts_ms or ord, or one beyond Int64 (contract §6; they were clamped to 0)", () => {
        const row = insertCustomer();
        const cases: [string, string][] = [
            ['"ts_ms":-1,', '"ord":1,'],
            ['"ts_ms":"-1700000000000",', '"ord":1,'],
            ['"ts_ms":1000,', '"ord":-1,'],
            ['"ts_ms":1000,', '"ord":"-2",'],
            ['"ts_ms":9223372036854775808,', '"ord":1,'],
            ['"ts_ms":"9223372036854775808",', '"ord":1,'],
            ['"ts_ms":1000,', '"ord":18446744073709551615,'],
        ];
        for (const [ts, ord] of cases) {
            const raw = row.raw_data.replace('"ts_ms":1000,', ts).replace('"ord":1,', ord);
            assert.equal(outcome(withRaw(row, raw), "customers"), "no_source", `${ts} ${ord}`);
        }
    });

    it("reads envelopes as ClickHouse does: first of duplicate keys, 64-bit integers, depth and surrogates", () => {
        const row = insertCustomer();
        const raw = (from: string, to: string) => {
            assert.ok(row.raw_data.includes(from), from);
            return withRaw(row, row.raw_data.replace(from, to));
        };
        assert.equal(outcome(raw('"op":"c"', '"op":"c","op":"x"'), "customers"), "event", "the first op counts");
        assert.equal(outcome(raw('"op":"c"', '"op":"x","op":"c"'), "customers"), "unknown_op", "the first op counts");
        assert.equal(outcome(raw('"ts_ms":1000,', '"ts_ms":"soon","ts_ms":1000,'), "customers"), "no_source");
        assert.equal(
            outcome(raw('"ts_ms":1000,', '"ts_ms":18446744073709551616,'), "customers"),
            "not_json",
            "beyond UInt64",
        );
        assert.equal(
            outcome(raw('"ts_ms":1000,', '"ts_ms":-9223372036854775809,'), "customers"),
            "not_json",
            "below Int64",
        );
        assert.equal(
            outcome(raw('"ts_ms":1000,', '"ts_ms":1000,"x":1e400,'), "customers"),
            "not_json",
            "an infinite double",
        );
        assert.equal(
            outcome(raw('"transaction":null', '"transaction":"\\ud800"'), "customers"),
            "not_json",
            "a lone surrogate",
        );
        assert.equal(
            outcome(raw('"transaction":null', '"transaction":"\\udc00\\ud800"'), "customers"),
            "not_json",
            "reversed pair",
        );
        assert.equal(
            outcome(raw('"transaction":null', '"transaction":"\\ud83d\\ude00"'), "customers"),
            "event",
            "a pair is fine",
        );
        const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
        assert.equal(
            outcome(raw('"transaction":null', `"transaction":${nest(1023)}`), "customers"),
            "event",
            "depth 1024 in all",
        );
        assert.equal(
            outcome(raw('"transaction":null', `"transaction":${nest(1024)}`), "customers"),
            "not_json",
            "depth 1025",
        );
        const nestLeaf = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);
        assert.equal(
            outcome(raw('"transaction":null', `"transaction":${nestLeaf(1022)}`), "customers"),
            "event",
            "a scalar at 1024",
        );
        assert.equal(
            outcome(raw('"transaction":null', `"transaction":${nestLeaf(1023)}`), "customers"),
            "not_json",
            "a scalar at depth 1025",
        );
        assert.equal(
            outcome(withRaw(row, "\uFEFF" + row.raw_data), "customers"),
            "event",
            "a leading byte-order mark is skipped",
        );
        assert.equal(
            outcome(withRaw(row, "{\f}"), "customers"),
            "unknown_op",
            "silver's empty-object test takes a form feed",
        );
        assert.equal(
            outcome(withRaw(row, "\uFEFF{}"), "customers"),
            "not_json",
            "an empty object after a byte-order mark is not",
        );
    });

    it("reads documents as ClickHouse does: first of duplicate keys; too deep or unpaired surrogates are bad_document", () => {
        const row = insertCustomer();
        const after = (change: (doc: string) => string) =>
            outcome(
                edit(row, (env) => (env.after = change(env.after as string))),
                "customers",
            );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', '"first_name": "Ada","first_name": 5')),
            "event",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', '"first_name": 5,"first_name": "Ada"')),
            "bad_string",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', '"first_name": "\\ud800"')),
            "bad_document",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', '"first_name": "\ud800"')),
            "not_json",
            "raw in the envelope",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', `"x": ${"[".repeat(1024)}${"]".repeat(1024)}`)),
            "bad_document",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', `"x": ${"[".repeat(1023)}${"]".repeat(1023)}`)),
            "event",
        );
        assert.equal(
            after((d) => d.replace('"first_name": "Ada"', '"x": 18446744073709551616')),
            "bad_document",
        );
    });

    it("gives every malformed row of the live tests its intended reason", () => {
        for (const m of malformedRows())
            assert.equal(outcome(m.row, m.collection), m.reason, m.row.raw_data.slice(0, 160));
    });

    it("bad_document: after (c/r/u) or before (d) present but not an object nor a string holding one", () => {
        for (const after of [42, "not json", "[1,2]", '"x"', "null", ["a"], true]) {
            assert.equal(
                outcome(
                    edit(insertCustomer(), (env) => (env.after = after)),
                    "customers",
                ),
                "bad_document",
                `after ${JSON.stringify(after)}`,
            );
        }
        const del = new BronzeBuilder().deleteWithBefore("customers", customerDoc(C1), { tsMs: 2000 });
        assert.equal(
            outcome(
                edit(del, (env) => (env.before = "{truncated")),
                "customers",
            ),
            "bad_document",
        );
        assert.equal(
            outcome(
                edit(del, (env) => (env.before = 7)),
                "customers",
            ),
            "bad_document",
        );
        assert.equal(
            outcome(
                edit(del, (env) => (env.after = "{truncated")),
                "customers",
            ),
            "event",
            "a delete's after is not read",
        );
    });

    it("accepts after as an embedded JSON object as well as a string holding one", () => {
        const row = edit(insertCustomer(), (env) => (env.after = JSON.parse(env.after as string)));
        assert.equal(outcome(row, "customers"), "event");
    });

    it("skips (does not reject) a c/r/u whose after is null or absent", () => {
        const nullAfter = new BronzeBuilder().updateNullAfter("customers", C1, { tsMs: 2000 });
        assert.equal(outcome(nullAfter, "customers"), "skip");
        assert.equal(
            outcome(
                edit(nullAfter, (env) => delete env.after),
                "customers",
            ),
            "skip",
        );
        assert.equal(
            outcome(
                edit(insertCustomer(), (env) => (env.after = null)),
                "customers",
            ),
            "skip",
        );
    });

    it("no_id: c/r/u whose after._id is not a valid ObjectId", () => {
        for (const id of [undefined, null, "65f0c3a1b2c3d4e5f6a7b801", { $oid: "xyz" }, { $oid: oid(1) + "0" }, 12]) {
            const doc = customerDoc(C1, { _id: id });
            if (id === undefined) delete doc._id;
            assert.equal(
                outcome(
                    edit(insertCustomer(), (env) => (env.after = strictJson(doc))),
                    "customers",
                ),
                "no_id",
                `_id ${JSON.stringify(id)}`,
            );
        }
    });

    it("no_id: a delete with neither a valid before._id nor an id in the key", () => {
        const b = new BronzeBuilder();
        const byKey = b.deleteByKey("customers", C1, { tsMs: 2000 });
        for (const key of [
            null,
            undefined,
            "",
            "not json",
            "{}",
            '{"id": 5}',
            '{"id": "xyz"}',
            '{"id": "{\\"$oid\\": \\"xyz\\"}"}',
        ]) {
            assert.equal(outcome({ ...byKey, _key: key }, "customers"), "no_id", `_key ${JSON.stringify(key)}`);
        }
        const badBefore = edit(byKey, (env) => (env.before = strictJson({ _id: { $oid: "nothex" } })));
        assert.equal(outcome({ ...badBefore, _key: null }, "customers"), "no_id");
    });

    it("reads a delete's id from before._id, else from each key form, lower-cased", () => {
        const upper = "65F0C3A1B2C3D4E5F6A7B8FF";
        const byKey = new BronzeBuilder().deleteByKey("customers", C1, { tsMs: 2000 });
        const idOf = (row: BronzeRow): string | null => {
            const c = classifyRow(row, "customers");
            return c.kind === "event" ? c.event.docId : null;
        };
        assert.equal(
            idOf({ ...byKey, _key: JSON.stringify({ id: `{"$oid": "${upper}"}` }) }),
            upper.toLowerCase(),
            "Debezium's string form",
        );
        assert.equal(
            idOf({ ...byKey, _key: JSON.stringify({ id: { $oid: upper } }) }),
            upper.toLowerCase(),
            "an $oid object",
        );
        assert.equal(idOf({ ...byKey, _key: JSON.stringify({ id: upper }) }), upper.toLowerCase(), "a bare hex string");
        const withBefore = edit(byKey, (env) => (env.before = strictJson({ _id: { $oid: upper } })));
        assert.equal(idOf({ ...withBefore, _key: null }), upper.toLowerCase(), "before._id");
        const badBeforeId = edit(byKey, (env) => (env.before = strictJson({ _id: "nothex" })));
        assert.equal(idOf(badBeforeId), C1, "an invalid before._id falls back to the key");
    });

    it("applies the first matching rule when a row breaks several", () => {
        const row = insertCustomer();
        const cases: [string, (env: Record<string, unknown>) => void][] = [
            [
                "unknown_op",
                (env) => {
                    env.op = "x";
                    delete env.source;
                },
            ],
            [
                "no_source",
                (env) => {
                    delete env.source;
                    env.after = 42;
                },
            ],
            [
                "no_source",
                (env) => {
                    delete env.source;
                    env.after = null;
                },
            ], // a reject, not a skip
            [
                "bad_document",
                (env) => {
                    env.after = "[]";
                },
            ],
            [
                "no_id",
                (env) => {
                    env.after = strictJson(customerDoc(C1, { _id: null, email: 42, address: "x" }));
                },
            ],
        ];
        for (const [reason, change] of cases) assert.equal(outcome(edit(row, change), "customers"), reason);
    });
});

describe("oracle reject rules: what a reject does to the fold", () => {
    it("leaves the documents and gold exactly as without the rejected order update", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        b.insert("products", productDoc(P1, "10.00"), { tsMs: 1000 });
        b.insert("orders", orderDoc(O1, C1, "paid", [{ product: P1, quantity: 2, unitPrice: "10.00" }]), {
            tsMs: 2000,
        });
        const before = b.tables();
        b.update("orders", orderDoc(O1, C1, "cancelled", [{ product: P1, quantity: 2, unitPrice: "NaN" }]), {
            tsMs: 3000,
        });
        b.insert("orders", orderDoc(oid(0x02), C1, "paid", [{ product: P1, quantity: 1, unitPrice: "1.001" }]), {
            tsMs: 3000,
        });
        const docs = foldBronze(b.tables());
        assert.deepEqual(
            docs.rejects.map((r) => [r.collection, r._offset, r.reason]),
            [
                ["orders", 1, "non_finite_decimal"],
                ["orders", 2, "bad_decimal"],
            ],
        );
        assert.deepEqual(computeGold(docs, TODAY), computeGold(foldBronze(before), TODAY));
        assert.equal(docs.orders.get(O1)?.status, "paid");
    });

    it("keeps a document when a delete without source is rejected (no_source)", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        const tables = b.tables();
        tables.customers.push(
            edit(b.deleteWithBefore("customers", customerDoc(C1), { tsMs: 2000 }), (env) => delete env.source),
        );
        const docs = foldBronze(tables);
        assert.equal(docs.customers.has(C1), true);
        assert.deepEqual(
            docs.rejects.map((r) => r.reason),
            ["no_source"],
        );
    });

    it("skips a null-after update: it is in skipped, not in rejects", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        b.updateNullAfter("customers", C1, { tsMs: 2000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.skipped.length, 1);
        assert.deepEqual(docs.rejects, []);
        assert.equal(docs.customers.get(C1)?.eventTsMs, 1000n);
    });

    it("counts a rejected row once per (_topic, _partition, _offset); a re-delivery at a new offset is a new reject", () => {
        const b = new BronzeBuilder();
        const bad = b.insert("products", productDoc(P1, "abc"), { tsMs: 1000 });
        b.redeliver("products", bad); // new offset
        const tables = b.tables();
        tables.products.push({ ...bad }, { ...bad, _offset: String(bad._offset) }); // same coordinates again
        tables.products.push({ ...bad, _partition: 1 }); // another partition
        const docs = foldBronze(tables);
        assert.deepEqual(
            docs.rejects.map((r) => `${r._partition}/${r._offset}`),
            ["0/0", "0/1", "1/0"],
        );
        assert.equal(docs.products.size, 0);
    });

    it("rejectsAsRows sorts by topic, partition, offset (numerically) and keeps big offsets as text", () => {
        const b = new BronzeBuilder();
        const bad = b.insert("products", productDoc(P1, "abc"), { tsMs: 1000 });
        const c = edit(b.insert("customers", customerDoc(C1), { tsMs: 1000 }), (env) => (env.op = "z"));
        const tables = {
            customers: [c],
            orders: [],
            products: [
                { ...bad, _offset: 10 },
                { ...bad, _offset: 9 },
                { ...bad, _offset: "9007199254740993" },
                { ...bad, _partition: "1", _offset: 2n },
            ],
        };
        const rows = rejectsAsRows(foldBronze(tables));
        assert.deepEqual(
            rows.map((r) => [r._topic, r._partition, r._offset, r.reason]),
            [
                ["mongo.ecom.customers", 0, 0, "unknown_op"],
                ["mongo.ecom.products", 0, 9, "bad_decimal"],
                ["mongo.ecom.products", 0, 10, "bad_decimal"],
                ["mongo.ecom.products", 0, "9007199254740993", "bad_decimal"],
                ["mongo.ecom.products", 1, 2, "bad_decimal"],
            ],
        );
        assert.equal(rows[0]!.raw_data, c.raw_data);
        assert.deepEqual(Object.keys(rows[0]!).sort(), ["_offset", "_partition", "_topic", "raw_data", "reason"]);
    });
});
