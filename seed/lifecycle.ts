/**
 * How an order's status evolves: pending → paid → shipped → delivered, with cancellations from
 * pending or paid. Used both to age the initial load (where an order stands at snapshot time)
 * and by the change chooser (one step at a time).
 */
import type { OrderStatus } from "./model";
import type { Prng } from "./prng";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Next status of an open order, or undefined when `status` is terminal. */
export function nextStatus(status: OrderStatus, rng: Prng): OrderStatus | undefined {
    switch (status) {
        case "pending":
            return rng.chance(0.1) ? "cancelled" : "paid";
        case "paid":
            return rng.chance(0.04) ? "cancelled" : "shipped";
        case "shipped":
            return "delivered";
        default:
            return undefined;
    }
}

/** How long after entering `from` an order typically moves to `to` (ms). */
export function dwellMs(from: OrderStatus, to: OrderStatus, rng: Prng): number {
    if (to === "cancelled") return rng.int(30 * MIN, 36 * HOUR);
    switch (from) {
        case "pending":
            return rng.int(1 * MIN, 12 * HOUR);
        case "paid":
            return rng.int(6 * HOUR, 72 * HOUR);
        case "shipped":
            return rng.int(1 * DAY, 7 * DAY);
        default:
            return 0;
    }
}

/**
 * Where an order placed at `orderedAt` stands at `now`: its status and the time of its last
 * transition (its `updated_at`).
 */
export function statusAt(orderedAt: Date, now: Date, rng: Prng): { status: OrderStatus; updatedAt: Date } {
    let status: OrderStatus = "pending";
    let since = orderedAt.getTime();
    for (;;) {
        const next = nextStatus(status, rng);
        if (next === undefined) break;
        const at = since + dwellMs(status, next, rng);
        if (at >= now.getTime()) break;
        status = next;
        since = at;
    }
    return { status, updatedAt: new Date(since) };
}
