-- Invariant: fact_orders has exactly the lines of the live orders (none dropped by a missing dimension).
select (select count() from {{ ref('fact_orders') }}) as fact_lines,
       (select count() from {{ ref('stg_order_lines') }}) as staged_lines
where fact_lines != staged_lines
