{#- Grain: one row per processed change event that carries state; after merges / FINAL, one row per order id ever seen (the latest event). The lines are parallel arrays (line i = element i). -#}
with changes as (
    {{ bronze_changes(source('bronze', 'mongo_ecom_orders')) }}
),

parsed as (
    select
        document_id as order_id,
        {{ ejson_oid("fields['customer_id']") }} as customer_id,
        {{ ejson_string("fields['status']") }} as order_status,
        {{ ejson_date("fields['ordered_at']") }} as ordered_at,
        {{ ejson_date("fields['updated_at']") }} as updated_at,
        JSONExtractArrayRaw(fields['items']) as items,
        _event_timestamp_ms,
        _version,
        _is_deleted,
        _ingested_at
    from changes
)

select
    order_id,
    customer_id,
    order_status,
    ordered_at,
    updated_at,
    arrayMap(item -> {{ ejson_oid('item', 'product_id') }}, items) as line_product_ids,
    arrayMap(item -> toInt32({{ ejson_int64('item', 'quantity') }}), items) as line_quantities,
    arrayMap(item -> {{ ejson_decimal('item', 'unit_price') }}, items) as line_unit_prices,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _ingested_at
from parsed
