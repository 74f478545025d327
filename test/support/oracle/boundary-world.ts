/**
 * A small bronze history built from the contract's rules rather than from typical data: every
 * bucket boundary, every ordering and delivery anomaly the contract names, and averages that
 * only come out right with exact rounding. The gold-vs-oracle e2e replays it through dbt.
 */
import { BronzeBuilder, customerDoc, ext, oid, orderDoc, productDoc, type LineSpec } from "./builder";
import type { BronzeTables } from "./types";

const line = (product: string, quantity: number, unitPrice: string): LineSpec => ({ product, quantity, unitPrice });

/** Builds the boundary history (deterministic). */
export function boundaryWorld(): BronzeTables {
    const b = new BronzeBuilder();
    let ts = Date.UTC(2024, 10, 1);
    const next = (): number => (ts += 1000);

    // Products at the price-category and inventory boundaries (snapshot reads).
    const prices = ["24.99", "25.00", "99.99", "100.00", "499.99", "500.00"];
    const stocks = [0, 1, 10, 11, 0, 1000];
    const products = prices.map((_, i) => oid(0xb000 + i));
    prices.forEach((price, i) =>
        b.insert(
            "products",
            productDoc(products[i]!, price, stocks[i]!, { name: `Boundary ${price}` }),
            { tsMs: next() },
            true,
        ),
    );
    const [p0, p1, p2, p3] = products as [string, string, string, string];

    // Customers whose CLV lands exactly on and just below each segment boundary.
    const clvs = ["1000.00", "999.99", "250.00", "249.99", "0.01"];
    const customers = clvs.map((_, i) => oid(0xc000 + i));
    customers.forEach((c, i) =>
        b.insert("customers", customerDoc(c, { first_name: "Seg", last_name: clvs[i]! }), { tsMs: next() }),
    );
    clvs.forEach((amount, i) => {
        b.insert(
            "orders",
            orderDoc(oid(0xd000 + i), customers[i]!, "delivered", [line(p0, 1, amount)], "2024-11-01T10:00:00.000Z"),
            { tsMs: next() },
        );
    });

    // A customer whose only order is cancelled (prospect), one without orders, one with unicode.
    const onlyCancelled = oid(0xc100);
    const noOrders = oid(0xc101);
    b.insert("customers", customerDoc(onlyCancelled), { tsMs: next() });
    b.insert("customers", customerDoc(noOrders, { first_name: "Søren", last_name: "Kierkegård 日本" }), {
        tsMs: next(),
    });
    b.insert(
        "orders",
        orderDoc(oid(0xd100), onlyCancelled, "cancelled", [line(p1, 2, "25.00")], "2024-11-02T12:00:00.000Z"),
        { tsMs: next() },
    );

    // 2024-11-03: revenue 20.00 over 3 orders → 6.67; 2024-11-04: 0.05 over 2 → 0.03 (half away from zero).
    const buyer = oid(0xc102);
    b.insert("customers", customerDoc(buyer), { tsMs: next() });
    for (const [i, amount] of ["10.00", "5.00", "5.00"].entries()) {
        b.insert(
            "orders",
            orderDoc(oid(0xd200 + i), buyer, "paid", [line(p1, 1, amount)], `2024-11-03T0${i}:00:00.000Z`),
            { tsMs: next() },
        );
    }
    b.insert("orders", orderDoc(oid(0xd210), buyer, "shipped", [line(p2, 1, "0.01")], "2024-11-04T09:00:00.000Z"), {
        tsMs: next(),
    });
    const buyer2 = oid(0xc104);
    b.insert("customers", customerDoc(buyer2), { tsMs: next() });
    b.insert("orders", orderDoc(oid(0xd211), buyer2, "paid", [line(p2, 4, "0.01")], "2024-11-04T10:00:00.000Z"), {
        tsMs: next(),
    });

    // Day boundary: 23:59:59.999 and 00:00:00.000 UTC.
    b.insert("orders", orderDoc(oid(0xd300), buyer, "pending", [line(p3, 1, "100.00")], "2024-11-05T23:59:59.999Z"), {
        tsMs: next(),
    });
    b.insert("orders", orderDoc(oid(0xd301), buyer, "pending", [line(p3, 1, "100.00")], "2024-11-06T00:00:00.000Z"), {
        tsMs: next(),
    });

    // Out of order: the newer status arrives first, the older insert later.
    const late = oid(0xd400);
    const tNew = next();
    const tOld = tNew - 500;
    b.update("orders", orderDoc(late, buyer, "cancelled", [line(p1, 3, "25.00")], "2024-11-07T08:00:00.000Z"), {
        tsMs: tNew,
    });
    b.insert("orders", orderDoc(late, buyer, "paid", [line(p1, 3, "25.00")], "2024-11-07T08:00:00.000Z"), {
        tsMs: tOld,
    });

    // Duplicate delivery of an older event after an update; ord and offset tie-breaks.
    const dup = oid(0xd401);
    const first = b.insert("orders", orderDoc(dup, buyer, "paid", [line(p2, 1, "99.99")], "2024-11-07T09:00:00.000Z"), {
        tsMs: next(),
    });
    const tTie = next();
    b.update("orders", orderDoc(dup, buyer, "delivered", [line(p2, 1, "99.99")], "2024-11-07T09:00:00.000Z"), {
        tsMs: tTie,
        ord: 2,
    });
    b.update("orders", orderDoc(dup, buyer, "shipped", [line(p2, 1, "99.99")], "2024-11-07T09:00:00.000Z"), {
        tsMs: tTie,
        ord: 1,
    });
    b.redeliver("orders", first);
    const tieCustomer = oid(0xc103);
    const tSame = next();
    b.insert("customers", customerDoc(tieCustomer, { first_name: "Lower", last_name: "Offset" }), {
        tsMs: tSame,
        ord: 3,
    });
    b.update("customers", customerDoc(tieCustomer, { first_name: "Higher", last_name: "Offset" }), {
        tsMs: tSame,
        ord: 3,
    });

    // Deletes: via before only, via key only; a late older insert after a delete; delete then re-insert.
    const goneCustomer = oid(0xc200);
    b.insert("customers", customerDoc(goneCustomer), { tsMs: next() });
    b.insert(
        "orders",
        orderDoc(
            oid(0xd500),
            goneCustomer,
            "paid",
            [line(p3, 2, "100.00"), line(products[5]!, 1, "500.00")],
            "2024-11-08T12:00:00.000Z",
        ),
        { tsMs: next() },
    );
    b.deleteWithBefore("customers", customerDoc(goneCustomer), { tsMs: next() }, true);
    const goneProduct = oid(0xb100);
    b.insert("products", productDoc(goneProduct, "42.00", 3), { tsMs: next() });
    b.insert(
        "orders",
        orderDoc(
            oid(0xd501),
            buyer,
            "delivered",
            [line(goneProduct, 2, "42.00"), line(p0, 1, "24.99")],
            "2024-11-08T13:00:00.000Z",
        ),
        { tsMs: next() },
    );
    b.deleteByKey("products", goneProduct, { tsMs: next() });
    const ghostOrder = oid(0xd502);
    const tDelete = next();
    b.deleteByKey("orders", ghostOrder, { tsMs: tDelete });
    b.insert("orders", orderDoc(ghostOrder, buyer, "paid", [line(p0, 1, "1.00")], "2024-11-09T00:00:00.000Z"), {
        tsMs: tDelete - 100,
    });
    const reborn = oid(0xc201);
    b.insert("customers", customerDoc(reborn, { first_name: "Old" }), { tsMs: next() });
    b.deleteWithBefore("customers", customerDoc(reborn), { tsMs: next() });
    b.insert(
        "customers",
        customerDoc(reborn, { first_name: "New", created_at: ext.date("2024-11-09T00:00:00.000Z") }),
        { tsMs: next() },
    );

    // A null-after update as the latest event leaves the previous state; a price change after an order.
    b.updateNullAfter("customers", buyer, { tsMs: next() });
    b.update("products", productDoc(p2, "89.50", 10, { name: "Boundary 99.99 repriced" }), { tsMs: next() });

    // A null-after update is the only event of a document: no row. Escapes and emoji in names.
    b.updateNullAfter("orders", oid(0xd600), { tsMs: next() });
    const quoted = oid(0xc300);
    b.insert(
        "customers",
        customerDoc(quoted, {
            first_name: 'Ann "Nan"',
            last_name: "O'Brien \\ 😀\tTab",
            address: { city: "Kraków/Nowa Huta", country: "Polska" },
        }),
        { tsMs: next() },
    );

    // Decimal128 text with fewer than 2 decimals; one product on two lines; lines removed by an update.
    const multi = oid(0xd700);
    b.insert(
        "orders",
        orderDoc(
            multi,
            quoted,
            "paid",
            [line(p0, 1, "20"), line(p1, 2, "19.9"), line(p0, 3, "24.99")],
            "2024-11-10T10:00:00.000Z",
        ),
        { tsMs: next() },
    );
    const shrink = oid(0xd701);
    b.insert(
        "orders",
        orderDoc(
            shrink,
            quoted,
            "paid",
            [line(p1, 1, "25.00"), line(p2, 1, "99.99"), line(p3, 1, "100.00")],
            "2024-11-10T11:00:00.000Z",
        ),
        { tsMs: next() },
    );
    b.update("orders", orderDoc(shrink, quoted, "paid", [line(p2, 2, "99.99")], "2024-11-10T11:00:00.000Z"), {
        tsMs: next(),
    });

    // The representable extremes (contract §6): dates at both ends of 1900-01-01 … 2299-12-31, around 1970 and past
    // Date's 2149-06-06; order totals at the top of Decimal(18,2) whose sums (lifetime value, product and daily
    // revenue) do not fit it.
    const extreme = oid(0xc400);
    b.insert(
        "customers",
        customerDoc(extreme, {
            first_name: "Edge",
            last_name: "Of Time",
            created_at: ext.date("1900-01-01T00:00:00.000Z"),
            updated_at: ext.date("2299-12-31T23:59:59.999Z"),
        }),
        { tsMs: next() },
    );
    const pricey = oid(0xb200);
    b.insert("products", productDoc(pricey, "9999999999999999.99", 5, { name: "Top of the money type" }), {
        tsMs: next(),
    });
    // ten orders near the top of Decimal(18,2) on one day: their sums pass Int64's range of cents too
    // (toDecimal64 threw)
    for (let i = 0; i < 10; i++) {
        const at = `1900-01-01T0${i}:00:00.000Z`;
        b.insert("orders", orderDoc(oid(0xd800 + i), extreme, "paid", [line(pricey, 1000, "9999999999999.99")], at), {
            tsMs: next(),
        });
    }
    for (const [i, at] of [
        "1969-12-31T23:00:00.000Z",
        "2149-06-07T00:00:00.000Z",
        "2299-12-31T23:59:59.999Z",
    ].entries()) {
        b.insert("orders", orderDoc(oid(0xd810 + i), extreme, "delivered", [line(p0, 1, "24.99")], at), {
            tsMs: next(),
        });
    }

    return b.tables();
}
