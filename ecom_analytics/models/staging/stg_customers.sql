{#- Grain: one row per live customer (latest change event decides; a latest delete removes). -#}
with latest as (
    select * from {{ ref('base_customers') }} final
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
