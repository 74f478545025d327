{{ config(materialized='view') }}
{#- Grain: one row per live customer (latest change event decides; a latest delete removes). -#}
with latest as (
    -- rows with a reject reason are bronze_rejects' (their ids are '~…'), never silver's
    select * from {{ ref('base_customers') }} final where _reject_reason = ''
)

select
    customer_id,
    first_name,
    last_name,
    concat(first_name, ' ', last_name) as customer_name,
    email,
    phone,
    city,
    country,
    registered_at,
    updated_at,
    _event_timestamp_ms
from latest
