{#-
  Scopes of the incremental gold refreshes (materialization refreshed_table). A mart restricts
  every read of silver with `gold_scope(column, name)`, i.e. `column IN (<scope name>)`, so a
  refresh recomputes exactly the rows a change since the previous refresh can move; the
  materialization tombstones the rows of the model's own scope (config scope) that are gone.

  "Changed since the previous refresh" is exact, with no time window: base_*, order_index and the
  marts' states keep each row's `_block_number` (MergeTree setting enable_block_number_column),
  which ClickHouse allocates when a part is committed, in commit order. `__CDC_WM_<relation>__`
  stands for the highest block number of that relation that the mart's previous refresh had
  seen (the materialization reads it from the mart's state; 0 on a full build, so every scope is
  "everything"), and `__CDC_WMTO_<relation>__` for the highest block number now: a refresh reads
  exactly the blocks between the two and stores the second. Both are the same scalar subquery
  in every place of the query, which ClickHouse evaluates once, while analysing the scope's
  subquery — before any of its data is read — so a block that commits meanwhile is above the
  stored number and read by the next refresh, never skipped.

  Where a change is found (each a primary-key range or a read of one integer column, so a refresh
  costs in proportion to what changed, not to the live state):
  - silver rows committed to base_* after the previous refresh;
  - order_index: every customer, order date and product an order ever had, so a changed or
    deleted order still names the aggregates it used to count in;
  - for fact_orders, dim_customers rows written after its previous refresh (lifetime value and
    segment sit on every line).
  The relations are named here rather than ref()'d, so that dbt unit tests of the marts (which
  override gold_scope to `1`: every row in scope) need no fixtures for them; stg_orders declares
  the dependency on order_index so that it is built first.
-#}

{%- macro gold_scope(column, name) -%}
{{ column }} in ({{ gold_scope_sql(name) }})
{%- endmacro -%}

{%- macro _gold_rel(name) -%}
{{ adapter.quote(this.schema) }}.{{ adapter.quote(name) }}
{%- endmacro -%}

{#- Keys of `relation` in parts committed after the previous refresh. -#}
{%- macro _changed(relation, key) -%}
select {{ key }} from {{ _gold_rel(relation) }}
where _block_number > __CDC_WM_{{ relation }}__ and _block_number <= __CDC_WMTO_{{ relation }}__
  and _reject_reason = ''
{%- endmacro -%}

{#- Orders that ever had one of the keys of `kind` ('c' customer, 'd' date, 'p' product). -#}
{%- macro _orders_with(kind, keys_sql) -%}
select order_id from {{ _gold_rel('order_index') }} where kind = '{{ kind }}' and key in ({{ keys_sql }})
{%- endmacro -%}

{#- Every key of `kind` the given orders ever had. -#}
{%- macro _keys_of_orders(kind, orders_sql) -%}
select key from {{ _gold_rel('order_index') }} where kind = '{{ kind }}' and order_id in ({{ orders_sql }})
{%- endmacro -%}

{#-
  The scopes, by name:
  - customers: customers changed, and the customers (now or before) of changed orders;
  - products: products changed, and the products (now or before) of changed orders' lines;
  - orders: changed orders, every order of a customer whose dim_customers row was rewritten,
    every order with a line of a changed product;
  - days: the order dates (now or before) of changed orders;
  - orders_of_<scope>: the orders that ever had one of the customers / products / days.
-#}
{#-
  The current customer, day and products of changed orders are read from the changed base_orders
  rows themselves, and only earlier ones from order_index: order_index is filled by a view on
  base_orders, so its rows commit a moment after the base_orders rows they describe, and a refresh
  in between would otherwise miss them. For the same reason every orders_of_<scope> includes the
  changed orders (their current values are then checked against the scope by the mart).
-#}
{%- macro gold_scope_sql(name) -%}
{%- set changed_orders = _changed('base_orders', 'order_id') -%}
{%- set changed_products = _changed('base_products', 'product_id') -%}
{%- set live_changed_orders -%}
{{ _gold_rel('base_orders') }}
where _block_number > __CDC_WM_base_orders__ and _block_number <= __CDC_WMTO_base_orders__
  and _reject_reason = '' and _is_deleted = 0
{%- endset -%}
{%- set customers -%}
{{ _changed('base_customers', 'customer_id') }}
union distinct select customer_id from {{ live_changed_orders }}
union distinct {{ _keys_of_orders('c', changed_orders) }}
{%- endset -%}
{%- set products -%}
{{ changed_products }}
union distinct select arrayJoin(line_product_ids) from {{ live_changed_orders }}
union distinct {{ _keys_of_orders('p', changed_orders) }}
{%- endset -%}
{%- set days -%}
select toDate32(ordered_at, 'UTC') as order_date from {{ live_changed_orders }}
union distinct select toDate32(key) from {{ _gold_rel('order_index') }}
  where kind = 'd' and order_id in ({{ changed_orders }})
{%- endset -%}
{%- set rewritten_customers -%}
select customer_id from {{ _gold_rel('dim_customers__state') }}
where _block_number > __CDC_WM_dim_customers__state__ and _block_number <= __CDC_WMTO_dim_customers__state__
{%- endset -%}
{%- if name == 'customers' -%} {{ customers }}
{%- elif name == 'products' -%} {{ products }}
{%- elif name == 'days' -%} {{ days }}
{%- elif name == 'orders' -%}
{{ changed_orders }}
union distinct {{ _orders_with('c', rewritten_customers) }}
union distinct {{ _orders_with('p', changed_products) }}
{%- elif name == 'orders_of_customers' -%} {{ _orders_with('c', customers) }} union distinct {{ changed_orders }}
{%- elif name == 'orders_of_products' -%} {{ _orders_with('p', products) }} union distinct {{ changed_orders }}
{%- elif name == 'orders_of_days' -%}
{{ _orders_with('d', 'select toString(order_date) from (' ~ days ~ ')') }} union distinct {{ changed_orders }}
{%- else -%}
{{ exceptions.raise_compiler_error("gold_scope: unknown scope '" ~ name ~ "'") }}
{%- endif -%}
{%- endmacro -%}
