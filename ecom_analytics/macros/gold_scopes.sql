{#-
  Scopes of the incremental gold refreshes (materialization refreshed_table). A mart restricts
  every read of silver with `gold_scope(column, name)`, i.e. `column IN (<scope name>)`, so a
  refresh recomputes exactly the rows a change since the previous refresh can move; the
  materialization tombstones the rows of the model's own scope (config scope) that are gone.
  `__CDC_SINCE__` is replaced by the materialization with the window start (epoch µs: the previous
  refresh's start minus an overlap; 0 on a full build, so every scope is "everything").

  Where a change is found (each a primary-key range or a skip-index read, so a refresh costs in
  proportion to what changed, not to the live state):
  - silver rows that reached base_* after the window start (`_silver_at`, minmax-indexed);
  - order_index: every customer, order date and product an order ever had, so a changed or
    deleted order still names the aggregates it used to count in.
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

{%- macro _gold_since() -%}
fromUnixTimestamp64Micro(toInt64(__CDC_SINCE__))
{%- endmacro -%}

{%- macro _changed(base, key) -%}
select {{ key }} from {{ _gold_rel(base) }} where _silver_at > {{ _gold_since() }} and _reject_reason = ''
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
  - orders: changed orders, every order of a customer in `customers` (its lifetime value and
    segment are on every line), every order with a line of a changed product;
  - days: the order dates (now or before) of changed orders;
  - orders_of_<scope>: the orders that ever had one of the customers / products / days.
-#}
{%- macro gold_scope_sql(name) -%}
{%- set changed_orders = _changed('base_orders', 'order_id') -%}
{%- set customers -%}
{{ _changed('base_customers', 'customer_id') }} union distinct {{ _keys_of_orders('c', changed_orders) }}
{%- endset -%}
{%- set products -%}
{{ _changed('base_products', 'product_id') }} union distinct {{ _keys_of_orders('p', changed_orders) }}
{%- endset -%}
{%- set days -%}
select toDate(key) as order_date from {{ _gold_rel('order_index') }} where kind = 'd' and order_id in ({{ changed_orders }})
{%- endset -%}
{%- if name == 'customers' -%} {{ customers }}
{%- elif name == 'products' -%} {{ products }}
{%- elif name == 'days' -%} {{ days }}
{%- elif name == 'orders' -%}
{{ changed_orders }} union distinct {{ _orders_with('c', customers) }} union distinct {{ _orders_with('p', _changed('base_products', 'product_id')) }}
{%- elif name == 'orders_of_customers' -%} {{ _orders_with('c', customers) }}
{%- elif name == 'orders_of_products' -%} {{ _orders_with('p', products) }}
{%- elif name == 'orders_of_days' -%} {{ _orders_with('d', 'select toString(order_date) from (' ~ days ~ ')') }}
{%- else -%}
{{ exceptions.raise_compiler_error("gold_scope: unknown scope '" ~ name ~ "'") }}
{%- endif -%}
{%- endmacro -%}
