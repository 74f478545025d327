import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { javaJsonString, toRelaxedJson, toStrictJson } from "../../seed/extjson";
import { centsToMoney, moneyToCents } from "../../seed/money";

describe("toStrictJson", () => {
    it("nests documents and arrays with the connector's spacing", () => {
        const order = {
            _id: "0123456789abcdef01234567",
            items: [
                { product_id: "00000000000000000000000a", quantity: 2, unit_price: "5.00" },
                { product_id: "00000000000000000000000b", quantity: 1, unit_price: "12.50" },
            ],
        };
        assert.equal(
            toStrictJson(order),
            '{"_id": {"$oid": "0123456789abcdef01234567"},"items": [{"product_id": {"$oid": "00000000000000000000000a"},"quantity": 2,"unit_price": {"$numberDecimal": "5.00"}}, ' +
                '{"product_id": {"$oid": "00000000000000000000000b"},"quantity": 1,"unit_price": {"$numberDecimal": "12.50"}}]}',
        );
    });

    it("writes Int64 as $numberLong, doubles with a decimal point, booleans and null plain, an empty document as { }", () => {
        assert.equal(
            toStrictJson({ big: 2 ** 40, ratio: 2.5, whole: 3.0, ok: true, none: null, nested: {} }),
            '{"big": {"$numberLong": "1099511627776"},"ratio": 2.5,"whole": 3,"ok": true,"none": null,"nested": { }}',
        );
    });

    it("escapes strings as the Java driver does (quotes, controls, surrogate halves) and keeps letters", () => {
        assert.equal(javaJsonString('O"Brien \\ x'), '"O\\"Brien \\\\ x"');
        assert.equal(javaJsonString("a\nb\tc\u0001"), '"a\\nb\\tc\\u0001"');
        assert.equal(javaJsonString("Zoë Ørsted 東京"), '"Zoë Ørsted 東京"');
        assert.equal(javaJsonString("hi 😀"), '"hi \\ud83d\\ude00"');
        // Whatever the escaping, the text must parse back to the same string.
        for (const s of ['O"Brien', "a\nb", "hi 😀", "Zoë"]) assert.equal(JSON.parse(javaJsonString(s)), s);
    });
});

describe("toRelaxedJson", () => {
    it('writes ISO dates without zero milliseconds and separates fields with ", "', () => {
        assert.equal(
            toRelaxedJson({ status: "paid", updated_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) }),
            '{"status": "paid", "updated_at": {"$date": "2025-01-02T03:04:05Z"}}',
        );
        assert.equal(
            toRelaxedJson({ updated_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 67)) }),
            '{"updated_at": {"$date": "2025-01-02T03:04:05.067Z"}}',
        );
        assert.equal(
            toRelaxedJson({ price: "9.99", stock_quantity: 4 }),
            '{"price": {"$numberDecimal": "9.99"}, "stock_quantity": 4}',
        );
    });
});

describe("money", () => {
    it("round-trips cents through 2-decimal strings", () => {
        for (const c of [0, 1, 99, 100, 1999, 123456789]) assert.equal(moneyToCents(centsToMoney(c)), c);
        assert.equal(centsToMoney(1905), "19.05");
        assert.equal(moneyToCents("7.5"), 750);
        assert.throws(() => moneyToCents("1.234"), /not a money amount/);
        assert.throws(() => centsToMoney(-1), /bad cents/);
    });
});
