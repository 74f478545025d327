{{ config(
    materialized='refreshed_table',
    unique_key=['product_id'],
    scope_key='product_id',
    scope='products',
) }}
{#- Grain: one row per live product. Refreshed incrementally: the products in scope `products` are recomputed. -#}
with products as (
    select * from {{ ref('stg_products') }} where {{ gold_scope('product_id', 'products') }}
),

lines as (
    select * from {{ ref('stg_order_lines') }}
    where {{ gold_scope('order_id', 'orders_of_products') }} and {{ gold_scope('product_id', 'products') }}
),

orders as (
    select * from {{ ref('stg_orders') }} where {{ gold_scope('order_id', 'orders_of_products') }}
),

sales as (
    select
        lines.product_id as product_id,
        toNullable(sum(lines.quantity)) as units_sold,
        toNullable({{ money('sum(lines.line_total)') }}) as revenue
    from lines
    inner join orders on lines.order_id = orders.order_id
    where {{ is_revenue_bearing('orders.order_status') }}
    group by lines.product_id
)

select
    products.product_id as product_id,
    products.sku as sku,
    products.product_name as product_name,
    products.category as category,
    products.price as price,
    products.stock_quantity as stock_quantity,
    {{ price_category('products.price') }} as price_category,
    {{ inventory_status('products.stock_quantity') }} as inventory_status,
    toInt64(ifNull(sales.units_sold, 0)) as units_sold,
    ifNull(sales.revenue, {{ money(0) }}) as revenue
from products
left join sales on products.product_id = sales.product_id
