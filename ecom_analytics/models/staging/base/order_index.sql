{#- engine: a plain ReplacingMergeTree keeps one row per (kind, key, order_id) however often an order's versions
    repeat it; nothing is ever deleted (see the grain below). -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree',
    order_by='(kind, key, order_id)',
    table_settings={'enable_block_number_column': 1},
) }}
{#-
  Grain: one row per (kind, key, order) that any version of an order ever had: its customer
  (kind 'c', key customer_id), its order date (kind 'd', key 'YYYY-MM-DD') and each product of
  its lines (kind 'p', key product_id). Fed at insert time from base_orders, never pruned, so it
  still knows the customer, date and products an order had before it was changed or deleted —
  what the incremental gold refreshes need to find every aggregate a change can move.
  Internal: read by the marts' scope macros (macros/gold_scopes.sql).
-#}
select
    k.1 as kind,
    assumeNotNull(k.2) as key,
    order_id
from {{ ref('base_orders') }}
array join
    -- an absent customer, date or product id (NULL) names no aggregate
    arrayFilter(x -> x.2 is not null, arrayConcat(
        [('c', customer_id), ('d', toString(toDate32(ordered_at, 'UTC')))],
        arrayMap(p -> ('p', p), line_product_ids)
    )) as k
where _reject_reason = '' and _is_deleted = 0
