{#- Grain: one row per processed change event that carries state; after merges / FINAL, one row per customer id ever seen (the latest event). -#}
{{ config(order_by='customer_id') }}

with changes as (
    {{ bronze_changes(source('bronze', 'mongo_ecom_customers')) }}
)

select
    document_id as customer_id,
    {{ ejson_string('doc', 'first_name') }} as first_name,
    {{ ejson_string('doc', 'last_name') }} as last_name,
    {{ ejson_string('doc', 'email') }} as email,
    {{ ejson_string('doc', 'phone') }} as phone,
    {{ ejson_string('doc', 'address', 'city') }} as city,
    {{ ejson_string('doc', 'address', 'country') }} as country,
    {{ ejson_date('doc', 'created_at') }} as registered_at,
    {{ ejson_date('doc', 'updated_at') }} as updated_at,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _ingested_at
from changes
