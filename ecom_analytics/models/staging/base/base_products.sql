{#- engine carries the delete rule: ReplacingMergeTree(_version, _is_deleted) keeps each id's row with the greatest
    _version (the latest event, bronze_events.sql), and FINAL hides it when that row is a delete (_is_deleted = 1).
    Another engine would change what a delete or a late event does. -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree(_version, _is_deleted)',
    order_by='product_id',
    table_settings={'enable_block_number_column': 1},
) }}
{#- enable_block_number_column: each row keeps the block number of its commit, in commit order — how the gold
    refreshes find what changed since their previous run (macros/gold_scopes.sql) -#}
{#- Grain: as base_customers, per product id (see its comment for how rows arrive; the delete rule is the engine,
    above). -#}
with changes as (
    {{ bronze_events(source('bronze', 'products'), 'products', ref('base_products_positions')) }}
)

select
    document_id as product_id,
    strings[1] as sku,
    strings[2] as product_name,
    strings[3] as category,
    -- NULL when absent or null, as every field here (macros/ejson.sql)
    if(_reject_reason != '' or _is_deleted = 1, NULL, {{ ejson_decimal("fields['price']") }}) as price,
    toInt32({{ ejson_int64("fields['stock_quantity']") }}) as stock_quantity,
    dates[1] as created_at,
    dates[2] as updated_at,
    {{ bronze_event_columns() }}
from (
    -- readers written once, as lambdas over the fields they read (see base_customers)
    select
        *,
        arrayMap(x -> {{ ejson_string('x') }}, [fields['sku'], fields['name'], fields['category']]) as strings,
        arrayMap(x -> {{ ejson_date('x') }}, [fields['created_at'], fields['updated_at']]) as dates
    from changes
)
