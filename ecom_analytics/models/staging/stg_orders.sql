{{ config(materialized='view') }}
{%- set _built_first = ref('order_index') -%}
{#- order_index must exist before the marts' refreshes read it (macros/gold_scopes.sql) -#}
{#- Grain: one row per live order (latest change event decides; a latest delete removes). Lines: stg_order_lines. -#}
with latest as (
    -- rows with a reject reason are bronze_rejects' (their ids are '~…'), never silver's
    select * from {{ ref('base_orders') }} final where _reject_reason = ''
)

select
    order_id,
    customer_id,
    order_status,
    ordered_at,
    updated_at,
    toUInt32(length(line_quantities)) as item_count,
    toDecimal64(arraySum(arrayMap((quantity, unit_price) -> quantity * unit_price,
                                  line_quantities, line_unit_prices)), 2) as order_total,
    _event_timestamp_ms
from latest
