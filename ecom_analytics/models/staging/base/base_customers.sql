{#- engine carries the delete rule: ReplacingMergeTree(_version, _is_deleted) keeps each id's row with the greatest
    _version (the latest event, bronze_events.sql), and FINAL hides it when that row is a delete (_is_deleted = 1).
    Another engine would change what a delete or a late event does. -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree(_version, _is_deleted)',
    order_by='customer_id',
    table_settings={'enable_block_number_column': 1},
) }}
{#- enable_block_number_column: each row keeps the block number of its commit, in commit order — how the gold
    refreshes find what changed since their previous run (macros/gold_scopes.sql) -#}
{#-
  Grain: one row per processed bronze row of customers (state-carrying event or reject); after
  merges / FINAL, one row per customer id ever seen (the latest event) plus one per reject.
  Fed at insert time: every sink INSERT into bronze runs this SELECT on the inserted rows.
-#}
with changes as (
    {{ bronze_events(source('bronze', 'customers'), 'customers', ref('base_customers_positions')) }}
)

select
    document_id as customer_id,
    strings[1] as first_name,
    strings[2] as last_name,
    strings[3] as email,
    strings[4] as phone,
    strings[5] as city,
    strings[6] as country,
    dates[1] as registered_at,
    dates[2] as updated_at,
    {{ bronze_event_columns() }}
from (
    -- each reader written once, as a lambda over the fields it reads (the view's query is analysed
    -- on every inserted block; docs/analytics.md)
    select
        *,
        arrayMap(x -> {{ ejson_string('x') }}, [
            fields['first_name'], fields['last_name'], fields['email'], fields['phone'],
            {{ ejson_object_fields("fields['address']") }}['city'],
            {{ ejson_object_fields("fields['address']") }}['country']]) as strings,
        arrayMap(x -> {{ ejson_date('x') }}, [fields['created_at'], fields['updated_at']]) as dates
    from changes
)
