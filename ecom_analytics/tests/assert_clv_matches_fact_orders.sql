-- Invariant: a live customer's lifetime value equals the sum of order totals of their revenue-bearing orders.
with per_order as (
    select distinct order_id, customer_id, order_total_value, order_status
    from {{ ref('fact_orders') }}
),
expected as (
    select customer_id, toDecimal128(sumIf(order_total_value, {{ is_revenue_bearing('order_status') }}), 2) as clv
    from per_order
    group by customer_id
)
select customers.customer_id, customers.customer_lifetime_value, expected.clv
from {{ ref('dim_customers') }} as customers
inner join expected on customers.customer_id = expected.customer_id
where customers.customer_lifetime_value != expected.clv
