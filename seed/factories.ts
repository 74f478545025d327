/**
 * Document factories: the only place that calls faker. Faker gives names and addresses; the
 * seeded {@link Prng} gives every number, date and choice, so a seed fixes the output.
 * No faker date helper is used (they read the wall clock).
 */
import { Faker, en } from "@faker-js/faker";
import { centsToMoney } from "./money";
import type { Prng } from "./prng";
import type { Address, CustomerDoc, ObjectIdHex, ProductDoc } from "./model";

/** Product categories and their price range in cents (log-uniform), SKU prefix. */
export const CATEGORIES: Readonly<Record<string, { prefix: string; minCents: number; maxCents: number }>> = {
    Electronics: { prefix: "ELC", minCents: 1_999, maxCents: 249_999 },
    Computers: { prefix: "CMP", minCents: 4_999, maxCents: 399_999 },
    Home: { prefix: "HOM", minCents: 599, maxCents: 89_999 },
    Kitchen: { prefix: "KIT", minCents: 399, maxCents: 59_999 },
    Garden: { prefix: "GRD", minCents: 299, maxCents: 79_999 },
    Sports: { prefix: "SPT", minCents: 499, maxCents: 129_999 },
    Toys: { prefix: "TOY", minCents: 299, maxCents: 19_999 },
    Books: { prefix: "BOK", minCents: 299, maxCents: 7_999 },
    Beauty: { prefix: "BTY", minCents: 199, maxCents: 14_999 },
    Clothing: { prefix: "CLO", minCents: 799, maxCents: 49_999 },
    Grocery: { prefix: "GRO", minCents: 99, maxCents: 4_999 },
    Automotive: { prefix: "AUT", minCents: 599, maxCents: 159_999 },
};

const CATEGORY_NAMES = Object.keys(CATEGORIES);

/** Countries with weights (most customers in a few markets). */
const COUNTRIES: Readonly<Record<string, number>> = {
    "United States": 50,
    Canada: 10,
    "United Kingdom": 10,
    Germany: 8,
    France: 6,
    Australia: 5,
    Netherlands: 4,
    Spain: 4,
    Italy: 3,
};

/** Regions (state/province) outside the United States, where faker's en locale has none. */
const REGIONS: Readonly<Record<string, readonly string[]>> = {
    Canada: ["ON", "QC", "BC", "AB", "MB", "NS"],
    "United Kingdom": ["England", "Scotland", "Wales", "Northern Ireland"],
    Germany: ["Bayern", "Berlin", "Hamburg", "Hessen", "Nordrhein-Westfalen", "Sachsen"],
    France: ["Île-de-France", "Occitanie", "Bretagne", "Normandie", "Provence-Alpes-Côte d'Azur"],
    Australia: ["NSW", "VIC", "QLD", "WA", "SA"],
    Netherlands: ["Noord-Holland", "Zuid-Holland", "Utrecht", "Gelderland"],
    Spain: ["Madrid", "Cataluña", "Andalucía", "Valencia"],
    Italy: ["Lombardia", "Lazio", "Campania", "Veneto"],
};

/** Postal code layouts per country: `9` a digit, `A` a capital letter. */
const POSTAL_FORMATS: Readonly<Record<string, string>> = {
    Canada: "A9A 9A9",
    "United Kingdom": "AA9 9AA",
    Germany: "99999",
    France: "99999",
    Australia: "9999",
    Netherlands: "9999 AA",
    Spain: "99999",
    Italy: "99999",
};

function fillFormat(format: string, rng: Prng): string {
    let out = "";
    for (const ch of format) {
        if (ch === "9") out += String(rng.int(0, 9));
        else if (ch === "A") out += String.fromCharCode(65 + rng.int(0, 25));
        else out += ch;
    }
    return out;
}

/** Random price in cents for a category: log-uniform between its bounds, ending in 9 most of the time. */
export function priceCentsFor(category: string, rng: Prng): number {
    const c = CATEGORIES[category];
    const lo = Math.log(c.minCents);
    const hi = Math.log(c.maxCents);
    let cents = Math.round(Math.exp(lo + (hi - lo) * rng.next()));
    if (rng.chance(0.7)) cents = Math.max(99, Math.floor(cents / 100) * 100 + 99);
    return cents;
}

/** Creates documents from a seed. One instance per generated history. */
export class DocumentFactory {
    /** The seeded faker instance (exposed for the benchmark's raw-faker baseline). */
    readonly faker: Faker;
    private readonly emails = new Set<string>();
    private skuCounter = 0;

    /** @param seed seeds faker; `rng` draws every other choice. */
    constructor(
        seed: number,
        private readonly rng: Prng,
    ) {
        this.faker = new Faker({ locale: [en] });
        this.faker.seed(seed);
    }

    /** A postal address; region and postal code follow the country's conventions. */
    address(): Address {
        const f = this.faker;
        const street = f.location.streetAddress();
        const city = f.location.city();
        const usState = f.location.state({ abbreviated: true });
        const usZip = f.location.zipCode();
        const country = this.rng.weighted(COUNTRIES);
        const regions = REGIONS[country];
        return {
            street,
            city,
            state: regions ? this.rng.pick(regions) : usState,
            postal_code: regions ? fillFormat(POSTAL_FORMATS[country], this.rng) : usZip,
            country,
        };
    }

    /** A phone number. */
    phone(): string {
        return this.faker.phone.number({ style: "national" });
    }

    /** A new customer registered at `at`; its email is unique within this factory. */
    customer(id: ObjectIdHex, at: Date): CustomerDoc {
        const f = this.faker;
        const first = f.person.firstName();
        const last = f.person.lastName();
        return {
            _id: id,
            first_name: first,
            last_name: last,
            email: this.uniqueEmail(first, last),
            phone: this.phone(),
            address: this.address(),
            created_at: at,
            updated_at: at,
        };
    }

    /** A new product created at `at` with a fresh unique SKU. */
    product(id: ObjectIdHex, at: Date): ProductDoc {
        const category = this.rng.pick(CATEGORY_NAMES);
        this.skuCounter++;
        const sku = `${CATEGORIES[category].prefix}-${String(this.skuCounter).padStart(6, "0")}`;
        return {
            _id: id,
            sku,
            name: this.faker.commerce.productName(),
            category,
            price: centsToMoney(priceCentsFor(category, this.rng)),
            stock_quantity: this.rng.chance(0.05) ? 0 : this.rng.int(1, 500),
            created_at: at,
            updated_at: at,
        };
    }

    /** Marks an email as taken (documents already in the database). */
    reserveEmail(email: string): void {
        this.emails.add(email.toLowerCase());
    }

    /** Makes later SKUs number past an existing `XXX-000123` SKU. */
    reserveSku(sku: string): void {
        const m = /-(\d+)$/.exec(sku);
        if (m) this.skuCounter = Math.max(this.skuCounter, Number(m[1]));
    }

    private uniqueEmail(first: string, last: string): string {
        const base = this.faker.internet.email({ firstName: first, lastName: last }).toLowerCase();
        if (!this.emails.has(base)) {
            this.emails.add(base);
            return base;
        }
        const at = base.indexOf("@");
        for (let n = 2; ; n++) {
            const candidate = `${base.slice(0, at)}.${n}${base.slice(at)}`;
            if (!this.emails.has(candidate)) {
                this.emails.add(candidate);
                return candidate;
            }
        }
    }
}
