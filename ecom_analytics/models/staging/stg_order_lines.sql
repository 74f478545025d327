{{ config(materialized='view') }}
{#- Grain: one row per line of each live order, keyed by (order_id, line_number); line_number is the 1-based
    position in the order's `items`. -#}
with latest as (
    select * from {{ ref('base_orders') }} final where _reject_reason = ''
)

select
    order_id,
    toUInt32(line_number) as line_number,
    product_id,
    quantity,
    unit_price,
    toDecimal64(quantity * unit_price, 2) as line_total
from latest
array join
    arrayEnumerate(line_product_ids) as line_number,
    line_product_ids as product_id,
    line_quantities as quantity,
    line_unit_prices as unit_price
