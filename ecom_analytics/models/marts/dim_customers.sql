{{ config(
    materialized='refreshed_table',
    unique_key=['customer_id'],
    scope_key='customer_id',
    scope='customers',
    read_time_columns={
        'days_since_registration': "toInt32(dateDiff('day', toDate32(registered_at, 'UTC'), toDate32(now(), 'UTC')))"
    },
) }}
{#-
  Grain: one row per live customer. Refreshed incrementally (materialization refreshed_table):
  the rows of the customers in scope `customers` (macros/gold_scopes.sql) are recomputed.
  days_since_registration moves with the calendar, not the data: the view computes it when read.
  toNullable: see docs/analytics.md, "Left joins and toNullable".
-#}
with customers as (
    select * from {{ ref('stg_customers') }} where {{ gold_scope('customer_id', 'customers') }}
),

orders as (
    select *, {{ is_revenue_bearing('order_status') }} as is_revenue_bearing
    from {{ ref('stg_orders') }}
    where {{ gold_scope('order_id', 'orders_of_customers') }} and {{ gold_scope('customer_id', 'customers') }}
),

order_stats as (
    select
        customer_id,
        toNullable(count()) as total_orders,
        toNullable({{ money_sum('sumIf(order_total, is_revenue_bearing)') }}) as customer_lifetime_value,
        toNullable(min(ordered_at)) as first_order_at,
        toNullable(max(ordered_at)) as last_order_at
    from orders
    group by customer_id
),

joined as (
    select
        customers.customer_id as customer_id,
        customers.customer_name as customer_name,
        customers.email as email,
        customers.city as city,
        customers.country as country,
        customers.registered_at as registered_at,
        ifNull(order_stats.total_orders, 0) as total_orders,
        ifNull(order_stats.customer_lifetime_value, {{ money_sum(0) }}) as customer_lifetime_value,
        order_stats.first_order_at as first_order_at,
        order_stats.last_order_at as last_order_at
    from customers
    left join order_stats on customers.customer_id = order_stats.customer_id
)

select
    *,
    {{ customer_segment('customer_lifetime_value') }} as customer_segment
from joined
