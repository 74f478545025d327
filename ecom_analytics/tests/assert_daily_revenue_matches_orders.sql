-- Invariant: daily revenue adds up to the totals of the revenue-bearing live orders, and every live order is
-- counted once.
select *
from (
    select
        (select toDecimal128(sum(total_revenue), 2) from {{ ref('fct_daily_sales') }}) as daily_revenue,
        (select toDecimal128(sumIf(order_total, {{ is_revenue_bearing('order_status') }}), 2)
         from {{ ref('stg_orders') }}) as order_revenue,
        (select sum(total_orders_placed) from {{ ref('fct_daily_sales') }}) as daily_orders,
        (select count() from {{ ref('stg_orders') }}) as live_orders
)
where daily_revenue != order_revenue or daily_orders != live_orders
