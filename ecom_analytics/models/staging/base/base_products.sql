{#- Grain: one row per processed change event that carries state; after merges / FINAL, one row per product id ever seen (the latest event). -#}
{{ config(order_by='product_id') }}

with changes as (
    {{ bronze_changes(source('bronze', 'mongo_ecom_products')) }}
)

select
    document_id as product_id,
    {{ ejson_string('doc', 'sku') }} as sku,
    {{ ejson_string('doc', 'name') }} as product_name,
    {{ ejson_string('doc', 'category') }} as category,
    if(_is_deleted = 1, toDecimal64(0, 2), {{ ejson_decimal('doc', 'price') }}) as price,
    toInt32({{ ejson_int64('doc', 'stock_quantity') }}) as stock_quantity,
    {{ ejson_date('doc', 'created_at') }} as created_at,
    {{ ejson_date('doc', 'updated_at') }} as updated_at,
    _event_timestamp_ms,
    _version,
    _is_deleted,
    _ingested_at
from changes
