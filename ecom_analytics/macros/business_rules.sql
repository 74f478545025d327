{#- Business rules of docs/data-contract.md §5, one macro each, so the marts and their tests share them. -#}

{#- An order earns revenue unless its current status is cancelled (an absent status, NULL, is not cancelled). -#}
{%- macro is_revenue_bearing(status) -%}
  (ifNull({{ status }}, '') != 'cancelled')
{%- endmacro -%}

{#- The order is cancelled (never NULL, so countIf/sumIf count it as the oracle does). -#}
{%- macro is_cancelled(status) -%}
  (ifNull({{ status }}, '') = 'cancelled')
{%- endmacro -%}

{%- macro customer_segment(clv) -%}
  multiIf({{ clv }} >= 1000, 'high_value', {{ clv }} >= 250, 'medium_value', {{ clv }} > 0, 'low_value', 'prospect')
{%- endmacro -%}

{#- NULL when the price is absent (multiIf would read a NULL comparison as false and say 'luxury'). -#}
{%- macro price_category(price) -%}
  multiIf({{ price }} is null, NULL, {{ price }} < 25, 'budget', {{ price }} < 100, 'standard',
          {{ price }} < 500, 'premium', 'luxury')
{%- endmacro -%}

{#- NULL when the stock is absent or negative (outside the contract's buckets). -#}
{%- macro inventory_status(stock) -%}
  multiIf({{ stock }} is null or {{ stock }} < 0, NULL, {{ stock }} = 0, 'out_of_stock', {{ stock }} <= 10, 'low_stock',
          'in_stock')
{%- endmacro -%}

{#- Money: Decimal(18,2) for every amount of one document (price, unit price, line and order total: silver rejects
    what does not fit, docs/data-contract.md §6). -#}
{%- macro money(expr) -%}
  toDecimal64({{ expr }}, 2)
{%- endmacro -%}

{#- Sums over many documents (lifetime value, revenue, daily revenue): Decimal(38,2), which no sum of representable
    orders can overflow (each order total is below 10^16; 10^20 of them would be needed). -#}
{%- macro money_sum(expr) -%}
  toDecimal128({{ expr }}, 2)
{%- endmacro -%}
