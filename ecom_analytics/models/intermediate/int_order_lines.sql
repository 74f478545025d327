{{ config(materialized='view') }}
{#-
  Grain: one row per line of each live order, keyed by (order_id, line_number), with the order's
  customer, time, UTC date, status, total and whether it earns revenue (business_rules.sql).
  The one place lines meet their order: dim_products, fact_orders and fct_daily_sales read it.
  A plain view without scope macros: each mart restricts it to its refresh scope (macros/gold_scopes.sql) by
  order_id (and product_id or order_date), and ClickHouse pushes an order_id restriction through
  the view into both sides of the join, onto each base table's primary key — a refresh still reads
  only the orders in scope (docs/analytics.md, "The intermediate model").
-#}
select
    lines.order_id as order_id,
    lines.line_number as line_number,
    lines.product_id as product_id,
    lines.quantity as quantity,
    lines.unit_price as unit_price,
    lines.line_total as line_total,
    orders.customer_id as customer_id,
    orders.ordered_at as ordered_at,
    toDate32(orders.ordered_at, 'UTC') as order_date,
    orders.order_status as order_status,
    orders.order_total as order_total,
    {{ is_revenue_bearing('orders.order_status') }} as is_revenue_bearing
from {{ ref('stg_order_lines') }} as lines
inner join {{ ref('stg_orders') }} as orders on lines.order_id = orders.order_id
