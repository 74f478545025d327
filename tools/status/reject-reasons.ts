/**
 * What `bronze_rejects` can hold (docs/analytics.md "Reasons"): the collections its view unions
 * (ecom_analytics/models/staging/bronze_rejects.sql) and the reasons the bronze macros give
 * (ecom_analytics/macros/bronze_events.sql and the field checks). test/unit/reject-reasons.test.ts
 * checks both lists against the dbt project's text.
 *
 * The exporter prints a 0 series for every pair, so that `increase()` sees the first reject of a
 * pair grow from 0 rather than a new series appear at 1 (Prometheus' practice for labelled counters).
 */

/** `bronze_rejects.collection`: the roles of the captured collections. */
export const REJECT_COLLECTIONS = ["customers", "products", "orders"] as const;

/** `bronze_rejects.reason`, in the order the rules are tried (docs/analytics.md). */
export const REJECT_REASONS = [
    "not_json",
    "unknown_op",
    "no_source",
    "bad_document",
    "no_id",
    "bad_object",
    "bad_items",
    "bad_oid",
    "bad_string",
    "bad_int",
    "bad_date",
    "non_finite_decimal",
    "bad_decimal",
] as const;
