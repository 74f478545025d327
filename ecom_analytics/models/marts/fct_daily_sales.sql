{{ config(
    materialized='refreshed_table',
    unique_key=['order_date'],
    scope_key='order_date',
    scope='days',
) }}
{#-
  Grain: one row per order_date (UTC calendar day of ordered_at) with at least one live order.
  Refreshed incrementally: the days in scope `days` are recomputed.
  toNullable: see docs/analytics.md, "Left joins and toNullable".
-#}
with orders as (
    select
        order_id,
        customer_id,
        order_status,
        order_total,
        toDate32(assumeNotNull(ordered_at), 'UTC') as order_date,
        {{ is_revenue_bearing('order_status') }} as is_revenue_bearing,
        {{ is_cancelled('order_status') }} as is_cancelled
    from {{ ref('stg_orders') }}
    -- an order without ordered_at has no day (NULL order_date) and counts on none
    where ordered_at is not null
        and {{ gold_scope('order_id', 'orders_of_days') }} and {{ gold_scope('toDate32(ordered_at, \'UTC\')', 'days') }}
),

items as (
    select
        order_date,
        toNullable(sum(quantity)) as items_sold
    from {{ ref('int_order_lines') }}
    where order_date is not null
        and {{ gold_scope('order_id', 'orders_of_days') }} and {{ gold_scope('order_date', 'days') }}
        and is_revenue_bearing
    group by order_date
),

daily as (
    select
        order_date,
        count() as total_orders_placed,
        uniqExact(customer_id) as total_unique_customers,
        {{ money_sum('sumIf(order_total, is_revenue_bearing)') }} as total_revenue,
        countIf(is_revenue_bearing) as revenue_orders,
        countIf(is_cancelled) as cancelled_orders
    from orders
    group by order_date
)

select
    daily.order_date as order_date,
    daily.total_orders_placed as total_orders_placed,
    daily.total_unique_customers as total_unique_customers,
    daily.total_revenue as total_revenue,
    daily.revenue_orders as revenue_orders,
    -- exact quotient (10 dp, truncated) then rounded half away from zero to 2 dp
    if(daily.revenue_orders = 0,
       {{ money(0) }},
       {{ money('round(divideDecimal(daily.total_revenue, toDecimal64(daily.revenue_orders, 0), 10), 2)') }}
    ) as avg_order_value,
    daily.cancelled_orders as cancelled_orders,
    toInt64(ifNull(items.items_sold, 0)) as items_sold
from daily
left join items on daily.order_date = items.order_date
