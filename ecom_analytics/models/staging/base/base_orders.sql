{#- engine carries the delete rule: ReplacingMergeTree(_version, _is_deleted) keeps each id's row with the greatest
    _version (the latest event, bronze_events.sql), and FINAL hides it when that row is a delete (_is_deleted = 1).
    Another engine would change what a delete or a late event does. -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree(_version, _is_deleted)',
    order_by='order_id',
    table_settings={'enable_block_number_column': 1},
) }}
{#- enable_block_number_column: each row keeps the block number of its commit, in commit order — how the gold
    refreshes find what changed since their previous run (macros/gold_scopes.sql) -#}
{#- Grain: as base_customers, per order id (see its comment for how rows arrive; the delete rule is the engine,
    above). The lines are parallel arrays (line i = element i). -#}
with changes as (
    {{ bronze_events(source('bronze', 'orders'), 'orders', ref('base_orders_positions')) }}
),

parsed as (
    select
        document_id as order_id,
        {{ ejson_oid("fields['customer_id']") }} as customer_id,
        {{ ejson_string("fields['status']") }} as order_status,
        arrayMap(x -> {{ ejson_date('x') }}, [fields['ordered_at'], fields['updated_at']]) as dates,
        dates[1] as ordered_at,
        dates[2] as updated_at,
        if(_reject_reason = '', {{ order_items('fields') }}, []) as items,
        {{ bronze_event_columns() }}
    from changes
)

select
    order_id,
    customer_id,
    order_status,
    ordered_at,
    updated_at,
    arrayMap(item -> {{ ejson_oid("item['product_id']") }}, items) as line_product_ids,
    -- quantity and unit_price are never absent in a line that is kept (bad_items); product_id may be (NULL)
    arrayMap(item -> toInt32(ifNull({{ ejson_int64("item['quantity']") }}, 0)), items) as line_quantities,
    arrayMap(item -> ifNull({{ ejson_decimal("item['unit_price']") }}, toDecimal64(0, 2)), items) as line_unit_prices,
    {{ bronze_event_columns() }}
from parsed
-- every cast here is total (…OrNull), so nothing relies on short-circuit evaluation, which made the
-- reject-reason expression ~5x slower when run on its own (it filters the columns every lazy
-- branch reads; docs/analytics.md)
settings short_circuit_function_evaluation = 'disable'
