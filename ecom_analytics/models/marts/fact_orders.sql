{{ config(
    materialized='refreshed_table',
    unique_key=['order_id', 'line_number'],
    scope_key='order_id',
    scope='orders',
) }}
{#-
  Grain: one row per line of each live order, keyed by (order_id, line_number). Lines whose
  customer or product is not live keep their row with NULL dimension attributes. Refreshed
  incrementally: every line of the orders in scope `orders` is recomputed. Not partitioned:
  a ReplacingMergeTree replaces rows only within a partition, and an order's date can change.
  toNullable: see docs/analytics.md, "Left joins and toNullable".
-#}
with lines as (
    select * from {{ ref('int_order_lines') }} where {{ gold_scope('order_id', 'orders') }}
),

customers as (
    select
        customer_id,
        toNullable(customer_name) as customer_name,
        toNullable(customer_segment) as customer_segment,
        toNullable(customer_lifetime_value) as customer_lifetime_value
    from {{ ref('dim_customers') }}
    where customer_id in (select customer_id from lines)
),

products as (
    -- the product's own attributes, from silver: reading dim_products instead would make every
    -- change of a product's sales figures re-compute every line of that product
    select
        product_id,
        toNullable(product_name) as product_name,
        toNullable(category) as category,
        toNullable({{ price_category('price') }}) as price_category,
        toNullable(price) as current_product_price
    from {{ ref('stg_products') }}
    where product_id in (select product_id from lines)
)

select
    lines.order_id as order_id,
    lines.line_number as line_number,
    lines.order_date as order_date,
    lines.ordered_at as ordered_at,
    lines.order_status as order_status,
    lines.customer_id as customer_id,
    customers.customer_name as customer_name,
    customers.customer_segment as customer_segment,
    lines.product_id as product_id,
    products.product_name as product_name,
    products.category as category,
    products.price_category as price_category,
    lines.quantity as quantity,
    lines.unit_price as unit_price,
    lines.line_total as line_total,
    products.current_product_price as current_product_price,
    {{ money('lines.unit_price - products.current_product_price') }} as price_variance,
    lines.order_total as order_total_value,
    customers.customer_lifetime_value as customer_lifetime_value
from lines
left join customers on lines.customer_id = customers.customer_id
left join products on lines.product_id = products.product_id
