{#-
  base_orders' SELECT, in its two forms (macros/silver_paths.sql says how they share the work):
  - silver_orders_full: every bronze row, classified by bronze_events (the reference for everything);
  - silver_orders_fast: only the rows silver_orders_fast_match accepts, parsed with two typed JSONExtract
    calls; for those rows it gives exactly what silver_orders_full gives (test/engine/silver-paths.test.ts).
-#}

{%- macro silver_orders_full(bronze, positions, only_rows=none) -%}
with changes as (
    {{ bronze_events(bronze, 'orders', positions, only_rows) }}
),

parsed as (
    select
        document_id as order_id,
        {{ ejson_oid("fields['customer_id']") }} as customer_id,
        {{ ejson_string("fields['status']") }} as order_status,
        arrayMap(x -> {{ ejson_date('x') }}, [fields['ordered_at'], fields['updated_at']]) as dates,
        dates[1] as ordered_at,
        dates[2] as updated_at,
        if(_reject_reason = '', {{ order_items('fields') }}, []) as items,
        {{ bronze_event_columns() }}
    from changes
)

select
    order_id,
    customer_id,
    order_status,
    ordered_at,
    updated_at,
    arrayMap(item -> {{ ejson_oid("item['product_id']") }}, items) as line_product_ids,
    -- quantity and unit_price are never absent in a line that is kept (bad_items); product_id may be (NULL)
    arrayMap(item -> toInt32(ifNull({{ ejson_int64("item['quantity']") }}, 0)), items) as line_quantities,
    arrayMap(item -> ifNull({{ ejson_decimal("item['unit_price']") }}, toDecimal64(0, 2)), items) as line_unit_prices,
    {{ bronze_event_columns() }}
from parsed
{%- endmacro -%}

{#-
  The canonical order document inside the envelope (JSON-escaped: a quote is \" in raw_data), in this field order:
  _id, customer_id, status, items [{product_id, quantity, unit_price}], ordered_at, updated_at. Every value is one
  the reference accepts and reads the same way from the typed parse:
  - ids `{"$oid": "<24 hex>"}`; strings of printable ASCII without quote or backslash (no escapes to undo);
  - dates `{"$date": <ms>}`, 0 … 13 digits without a leading zero (inside the contract's range, valid JSON);
  - quantity an integer of ≤ 4 digits, unit_price `{"$numberDecimal": "<≤ 7 digits>[.<≤ 2 digits>]"}`: no line
    total reaches 10^11, and silver_fast_match's length bound keeps an order's sum far below Decimal(18,2)'s 10^16,
    so no row the reference rejects (bad_decimal: amounts that do not fit) is taken.
-#}
{%- macro silver_orders_document_re() -%}
{%- set q = '\\\\"' -%}
{%- set oid = '\\{' ~ q ~ '\\$oid' ~ q ~ ': ?' ~ q ~ '[0-9a-fA-F]{24}' ~ q ~ '\\}' -%}
{%- set str = q ~ '[ !#-\\[\\]-~]*' ~ q -%}
{%- set date = '\\{' ~ q ~ '\\$date' ~ q ~ ': ?(?:0|[1-9][0-9]{0,12})\\}' -%}
{%- set price = '\\{' ~ q ~ '\\$numberDecimal' ~ q ~ ': ?' ~ q ~ '-?[0-9]{1,7}(?:\\.[0-9]{1,2})?' ~ q ~ '\\}' -%}
{%- set item = '\\{' ~ q ~ 'product_id' ~ q ~ ': ?' ~ oid ~ ', ?' ~ q ~ 'quantity' ~ q ~ ': ?-?(?:0|[1-9][0-9]{0,3})'
               ~ ', ?' ~ q ~ 'unit_price' ~ q ~ ': ?' ~ price ~ '\\}' -%}
{{- '\\{' ~ q ~ '_id' ~ q ~ ': ?' ~ oid ~ ', ?' ~ q ~ 'customer_id' ~ q ~ ': ?' ~ oid ~ ', ?' ~ q ~ 'status' ~ q ~ ': ?'
    ~ str ~ ', ?' ~ q ~ 'items' ~ q ~ ': ?\\[(?:' ~ item ~ '(?:, ?' ~ item ~ ')*)?\\], ?' ~ q ~ 'ordered_at' ~ q
    ~ ': ?' ~ date ~ ', ?' ~ q ~ 'updated_at' ~ q ~ ': ?' ~ date ~ '\\}' -}}
{%- endmacro -%}

{#- The fast path's rows of `bronze` (only those silver_fast_match accepts; see silver_paths.sql). -#}
{%- macro silver_orders_fast(bronze) -%}
{#- the document by position: _id, customer_id, status, items [(product_id, quantity, unit_price)], dates -#}
{%- set document_type = 'Tuple(Tuple(String), Tuple(String), String, '
                        ~ 'Array(Tuple(Tuple(String), Int64, Tuple(String))), Tuple(Int64), Tuple(Int64))' -%}
select
    lower(doc.1.1) as order_id,
    if(deleted, NULL, lower(doc.2.1)) as customer_id,
    if(deleted, NULL, doc.3) as order_status,
    if(deleted, NULL, fromUnixTimestamp64Milli(doc.5.1, 'UTC')) as ordered_at,
    if(deleted, NULL, fromUnixTimestamp64Milli(doc.6.1, 'UTC')) as updated_at,
    if(deleted, [], arrayMap(i -> lower(i.1.1), doc.4)) as line_product_ids,
    if(deleted, [], arrayMap(i -> toInt32(i.2), doc.4)) as line_quantities,
    if(deleted, [], arrayMap(i -> ifNull(toDecimal64OrNull(i.3.1, 2), toDecimal64(0, 2)), doc.4)) as line_unit_prices,
    {{ silver_fast_event_columns() }}
from (
    select
        *,
        JSONExtract(if(deleted, envelope.before, envelope.after), '{{ document_type }}') as doc
    from ({{ silver_fast_envelope(bronze, 'orders') }})
)
{%- endmacro -%}
