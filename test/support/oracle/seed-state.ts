/**
 * Cross-check of two independent implementations: the oracle's fold of bronze events versus
 * the seed generator's own final state (the documents it wrote, never serialised). Both sides
 * are reduced to the same plain text form and compared document by document.
 */
import type { FinalState } from "../../../seed/model";
import { formatCents, parseCents } from "./decimal";
import type { OracleDocuments } from "./types";

type Plain = Record<string, string | null>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function oracleSide(docs: OracleDocuments): Record<keyof FinalState, Map<string, Plain>> {
    return {
        customers: new Map(
            [...docs.customers].map(([id, c]) => [
                id,
                {
                    first_name: c.first_name,
                    last_name: c.last_name,
                    email: c.email,
                    phone: c.phone,
                    street: c.address.street,
                    city: c.address.city,
                    state: c.address.state,
                    postal_code: c.address.postal_code,
                    country: c.address.country,
                    created_at: iso(c.created_at),
                    updated_at: iso(c.updated_at),
                },
            ]),
        ),
        products: new Map(
            [...docs.products].map(([id, p]) => [
                id,
                {
                    sku: p.sku,
                    name: p.name,
                    category: p.category,
                    price: p.price === null ? null : formatCents(p.price),
                    stock_quantity: p.stock_quantity === null ? null : String(p.stock_quantity),
                    created_at: iso(p.created_at),
                    updated_at: iso(p.updated_at),
                },
            ]),
        ),
        orders: new Map(
            [...docs.orders].map(([id, o]) => [
                id,
                {
                    customer_id: o.customer_id,
                    status: o.status,
                    items: o.items.map((l) => `${l.product_id}×${l.quantity}@${formatCents(l.unit_price)}`).join(" | "),
                    ordered_at: iso(o.ordered_at),
                    updated_at: iso(o.updated_at),
                },
            ]),
        ),
    };
}

function seedSide(state: FinalState): Record<keyof FinalState, Map<string, Plain>> {
    return {
        customers: new Map(
            [...state.customers].map(([id, c]) => [
                id,
                {
                    first_name: c.first_name,
                    last_name: c.last_name,
                    email: c.email,
                    phone: c.phone,
                    street: c.address.street,
                    city: c.address.city,
                    state: c.address.state,
                    postal_code: c.address.postal_code,
                    country: c.address.country,
                    created_at: c.created_at.toISOString(),
                    updated_at: c.updated_at.toISOString(),
                },
            ]),
        ),
        products: new Map(
            [...state.products].map(([id, p]) => [
                id,
                {
                    sku: p.sku,
                    name: p.name,
                    category: p.category,
                    price: formatCents(parseCents(p.price)),
                    stock_quantity: String(p.stock_quantity),
                    created_at: p.created_at.toISOString(),
                    updated_at: p.updated_at.toISOString(),
                },
            ]),
        ),
        orders: new Map(
            [...state.orders].map(([id, o]) => [
                id,
                {
                    customer_id: o.customer_id,
                    status: o.status,
                    items: o.items
                        .map((l) => `${l.product_id}×${l.quantity}@${formatCents(parseCents(l.unit_price))}`)
                        .join(" | "),
                    ordered_at: o.ordered_at.toISOString(),
                    updated_at: o.updated_at.toISOString(),
                },
            ]),
        ),
    };
}

/**
 * Differences between the oracle's folded documents and the seed's final state, at most
 * `limit` per collection; empty when they agree on every live document and every field.
 */
export function diffAgainstSeedState(docs: OracleDocuments, state: FinalState, limit = 5): string[] {
    const ours = oracleSide(docs);
    const theirs = seedSide(state);
    const out: string[] = [];
    for (const collection of ["customers", "products", "orders"] as const) {
        const found: string[] = [];
        const a = ours[collection];
        const b = theirs[collection];
        for (const [id, s] of b) {
            const o = a.get(id);
            if (o === undefined) found.push(`${collection} ${id}: live in the seed, absent from the fold`);
            else {
                const fields = Object.keys(s).filter((f) => s[f] !== o[f]);
                if (fields.length > 0) {
                    found.push(
                        `${collection} ${id}: ${fields.map((f) => `${f} seed=${JSON.stringify(s[f])} fold=${JSON.stringify(o[f])}`).join("; ")}`,
                    );
                }
            }
        }
        for (const id of a.keys()) if (!b.has(id)) found.push(`${collection} ${id}: in the fold, not live in the seed`);
        if (found.length > 0)
            out.push(`${found.length} ${collection} difference(s)`, ...found.slice(0, limit).map((f) => `  ${f}`));
    }
    return out;
}
