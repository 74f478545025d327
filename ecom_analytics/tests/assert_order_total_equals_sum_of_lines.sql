-- Invariant: an order's total is the sum of its line totals (quantity × unit_price), exactly.
with line_sums as (
    select order_id, toDecimal128(sum(line_total), 2) as lines_total, count() as line_count
    from {{ ref('stg_order_lines') }}
    group by order_id
)
select orders.order_id, orders.order_total, line_sums.lines_total, orders.item_count, line_sums.line_count
from {{ ref('stg_orders') }} as orders
left join line_sums on orders.order_id = line_sums.order_id
where orders.order_total != line_sums.lines_total or orders.item_count != line_sums.line_count
