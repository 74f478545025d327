/**
 * A whole generated history as bronze rows: the initial load read by the connector's snapshot
 * (`r` events), then `changes` streamed changes (`c`/`u`/`d`), each turned into the Debezium
 * envelope and placed on its topic (partition 0, consecutive offsets from 0). No tombstones:
 * the stack's source connector runs with `tombstones.on.delete=false`.
 *
 * Rows come out lazily ({@link HistoryGenerator.rows}) so the emitter can stream millions of
 * them; {@link HistoryGenerator.world} holds the live state after the last row was pulled.
 */
import { ChangeChooser } from "./changes";
import {
    ClusterClock,
    changeEnvelope,
    keyOf,
    serializeEnvelope,
    snapshotEnvelope,
    topicOf,
    type ClusterTime,
} from "./debezium";
import { DocumentFactory } from "./factories";
import { buildInitialLoad, type InitialLoad } from "./initial";
import {
    COLLECTIONS,
    DEFAULT_BASE_TIME,
    type BronzeRow,
    type CollectionName,
    type HistoryOptions,
    type Mutation,
} from "./model";
import { ObjectIdFactory } from "./objectid";
import { Prng } from "./prng";
import { World } from "./world";

/** A bronze row and the table (collection) it belongs to. */
export interface TableRow {
    collection: CollectionName;
    row: BronzeRow;
    /** The mutation behind a streamed row; undefined for snapshot reads. */
    mutation?: Mutation;
}

/** Streams changes start this long after the snapshot time. */
export const STREAM_START_DELAY_MS = 60_000;
/** Mean gap between two streamed writes (ms): several writes share a second. */
export const MEAN_GAP_MS = 1_200;

/** Throws a RangeError naming the option when a size or the seed is not a non-negative integer. */
export function checkHistoryOptions(o: HistoryOptions): void {
    for (const name of ["seed", "customers", "products", "orders", "changes"] as const) {
        const v = o[name];
        if (v === undefined && name === "changes") continue;
        if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
            throw new RangeError(`${name} must be a non-negative integer, got ${String(v)}`);
        }
    }
    if (o.baseTime !== undefined && !(o.baseTime instanceof Date && Number.isFinite(o.baseTime.getTime()))) {
        throw new RangeError("baseTime must be a valid Date");
    }
}

/** Generates one deterministic history. */
export class HistoryGenerator {
    /** Live state (complete once {@link rows} has been fully consumed). */
    readonly world = new World();
    /** The initial load (available after the first row was pulled). */
    initial: InitialLoad | undefined;

    private readonly options: Required<HistoryOptions>;

    /** @param options sizes and seed; validated here. */
    constructor(options: HistoryOptions) {
        checkHistoryOptions(options);
        this.options = { changes: 0, baseTime: DEFAULT_BASE_TIME, ...options };
    }

    /** All rows in emission order: snapshot of customers, products, orders; then changes. */
    *rows(): Generator<TableRow> {
        const { seed, changes, baseTime } = this.options;
        const base = baseTime.getTime();
        const rng = new Prng(seed, 0);
        const timing = new Prng(seed, 2);
        const docs = new DocumentFactory(seed, rng);
        const ids = new ObjectIdFactory(seed);
        const offsets = new Map<CollectionName, number>();
        const place = (collection: CollectionName, id: string, value: string): BronzeRow => {
            const offset = offsets.get(collection) ?? 0;
            offsets.set(collection, offset + 1);
            return { raw_data: value, _topic: topicOf(collection), _partition: 0, _offset: offset, _key: keyOf(id) };
        };

        const load = buildInitialLoad(this.options, baseTime, rng, docs, ids);
        this.initial = load;
        for (const c of load.customers) this.world.putCustomer(c);
        for (const p of load.products) this.world.putProduct(p);
        for (const o of load.orders) this.world.putOrder(o);

        // Snapshot: every read carries the cluster time the snapshot started from.
        const position: ClusterTime = { sec: Math.floor(base / 1000) - 30, inc: 1 };
        const total = load.customers.length + load.products.length + load.orders.length;
        let i = 0;
        for (const collection of COLLECTIONS) {
            for (const doc of load[collection]) {
                const env = snapshotEnvelope(collection, doc, position, i === total - 1, base + Math.floor(i / 8));
                yield { collection, row: place(collection, doc._id, serializeEnvelope(env)) };
                i++;
            }
        }

        // Streaming: writes spaced by exponential gaps; processing lags the write a little.
        const chooser = new ChangeChooser(this.world, rng, docs, ids);
        const clock = new ClusterClock();
        let t = base + STREAM_START_DELAY_MS;
        let processed = base + Math.floor(total / 8) + 1;
        for (let k = 0; k < changes; k++) {
            t += Math.floor(-Math.log(1 - timing.next()) * MEAN_GAP_MS);
            const m = chooser.next(new Date(t));
            processed = Math.max(processed, t + timing.int(3, 250));
            const env = changeEnvelope(m, clock.tick(m.at), processed);
            yield { collection: m.collection, row: place(m.collection, m.id, serializeEnvelope(env)), mutation: m };
        }
    }
}
