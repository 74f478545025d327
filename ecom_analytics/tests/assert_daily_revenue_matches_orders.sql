-- Invariant: daily revenue adds up to the totals of the revenue-bearing live orders, and every live order is
-- counted once — every order with an ordered_at: one without (NULL) has no day.
select *
from (
    select
        (select toDecimal128(sum(total_revenue), 2) from {{ ref('fct_daily_sales') }}) as daily_revenue,
        (select toDecimal128(sumIf(order_total, {{ is_revenue_bearing('order_status') }}), 2)
         from {{ ref('stg_orders') }} where ordered_at is not null) as order_revenue,
        (select sum(total_orders_placed) from {{ ref('fct_daily_sales') }}) as daily_orders,
        (select count() from {{ ref('stg_orders') }} where ordered_at is not null) as live_orders
)
where daily_revenue != order_revenue or daily_orders != live_orders
