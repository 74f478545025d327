{#- Grain: one row per processed change event that carries state; after merges / FINAL, one row per customer id ever seen (the latest event). -#}
with changes as (
    {{ bronze_changes(source('bronze', 'mongo_ecom_customers')) }}
)

select
    document_id as customer_id,
    {{ ejson_string("fields['first_name']") }} as first_name,
    {{ ejson_string("fields['last_name']") }} as last_name,
    {{ ejson_string("fields['email']") }} as email,
    {{ ejson_string("fields['phone']") }} as phone,
    {{ ejson_string("fields['address']", 'city') }} as city,
    {{ ejson_string("fields['address']", 'country') }} as country,
    {{ ejson_date("fields['created_at']") }} as registered_at,
    {{ ejson_date("fields['updated_at']") }} as updated_at,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _ingested_at
from changes
