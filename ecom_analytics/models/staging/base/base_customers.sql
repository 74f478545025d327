{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree(_version, _is_deleted)',
    order_by='customer_id',
    indexes=['_silver_at_minmax _silver_at TYPE minmax GRANULARITY 1'],
) }}
{#-
  Grain: one row per processed bronze row of customers (state-carrying event or reject); after
  merges / FINAL, one row per customer id ever seen (the latest event) plus one per reject.
  Fed at insert time: every sink INSERT into bronze runs this SELECT on the inserted rows.
  The engine carries the delete rule: ReplacingMergeTree keeps the greatest _version per id and
  FINAL hides it when that row is a delete (_is_deleted = 1).
-#}
with changes as (
    {{ bronze_events(source('bronze', 'customers'), 'customers') }}
)

select
    document_id as customer_id,
    {{ ejson_string("fields['first_name']") }} as first_name,
    {{ ejson_string("fields['last_name']") }} as last_name,
    {{ ejson_string("fields['email']") }} as email,
    {{ ejson_string("fields['phone']") }} as phone,
    {{ ejson_string(ejson_object_fields("fields['address']") ~ "['city']") }} as city,
    {{ ejson_string(ejson_object_fields("fields['address']") ~ "['country']") }} as country,
    {{ ejson_date("fields['created_at']") }} as registered_at,
    {{ ejson_date("fields['updated_at']") }} as updated_at,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _reject_reason,
    _raw,
    _topic,
    _partition,
    _offset,
    _ingested_at,
    -- when this row reached silver: gold refreshes recompute the keys changed since their last run
    now64(6) as _silver_at
from changes
-- every cast here is total (…OrNull), so nothing relies on short-circuit evaluation, which made
-- this query 6x slower (it filters every column a lazy branch reads; docs/analytics.md)
settings short_circuit_function_evaluation = 'disable'
