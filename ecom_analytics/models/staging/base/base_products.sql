{#- Grain: one row per processed change event that carries state; after merges / FINAL, one row per product id ever seen (the latest event). -#}
with changes as (
    {{ bronze_changes(source('bronze', 'mongo_ecom_products')) }}
)

select
    document_id as product_id,
    {{ ejson_string("fields['sku']") }} as sku,
    {{ ejson_string("fields['name']") }} as product_name,
    {{ ejson_string("fields['category']") }} as category,
    if(_is_deleted = 1, toDecimal64(0, 2), {{ ejson_decimal("fields['price']") }}) as price,
    toInt32({{ ejson_int64("fields['stock_quantity']") }}) as stock_quantity,
    {{ ejson_date("fields['created_at']") }} as created_at,
    {{ ejson_date("fields['updated_at']") }} as updated_at,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _ingested_at
from changes
