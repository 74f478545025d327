{{ config(materialized='view') }}
{#- Grain: one row per live product (latest change event decides; a latest delete removes). -#}
with latest as (
    -- rows with a reject reason are bronze_rejects' (their ids are '~…'), never silver's
    select * from {{ ref('base_products') }} final where _reject_reason = ''
)

select
    product_id,
    sku,
    product_name,
    category,
    price,
    stock_quantity,
    created_at,
    updated_at,
    _event_timestamp_ms
from latest
