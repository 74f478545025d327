{{ config(
    materialized='refreshed_table',
    unique_key=['product_id'],
    scope_key='product_id',
    scope='products',
) }}
{#-
  Grain: one row per live product. Refreshed incrementally: the products in scope `products` are
  recomputed. toNullable: see docs/analytics.md, "Left joins and toNullable".
-#}
with products as (
    select * from {{ ref('stg_products') }} where {{ gold_scope('product_id', 'products') }}
),

sales as (
    select
        product_id,
        toNullable(sum(quantity)) as units_sold,
        toNullable({{ money_sum('sum(line_total)') }}) as revenue
    from {{ ref('int_order_lines') }}
    where {{ gold_scope('order_id', 'orders_of_products') }} and {{ gold_scope('product_id', 'products') }}
        and is_revenue_bearing
    group by product_id
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
    ifNull(sales.revenue, {{ money_sum(0) }}) as revenue
from products
left join sales on products.product_id = sales.product_id
