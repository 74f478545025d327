{#- engine carries the delete rule: ReplacingMergeTree(_version, _is_deleted) keeps each id's row with the greatest
    _version (the latest event, bronze_events.sql), and FINAL hides it when that row is a delete (_is_deleted = 1).
    Another engine would change what a delete or a late event does. -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree(_version, _is_deleted)',
    order_by='order_id',
    table_settings={'enable_block_number_column': 1},
    fast_path='orders' if var('silver_fast_path', true) | string | lower != 'false' else none,
) }}
{#- enable_block_number_column: each row keeps the block number of its commit, in commit order — how the gold
    refreshes find what changed since their previous run (macros/gold_scopes.sql) -#}
{#- fast_path: at insert time a canonical Debezium row takes the fast path, every other row this SQL
    (macros/silver_paths.sql, macros/silver_orders.sql); the back-fill and the reference are this SQL. dbt var
    silver_fast_path=false turns it off (one view of this SQL, as before). -#}
{#- Grain: as base_customers, per order id (see its comment for how rows arrive; the delete rule is the engine,
    above). The lines are parallel arrays (line i = element i). The SELECT: macros/silver_orders.sql. -#}
{{ silver_orders_full(source('bronze', 'orders'), ref('base_orders_positions')) }}
