{#-
  MongoDB Extended JSON (strict mode), as Debezium writes it into `before`/`after`.
  Every macro takes a SQL expression holding the raw JSON text of ONE value (e.g.
  `fields['price']`, or `item['unit_price']`); an absent value is '' and a JSON null is 'null'.
  The readers return NULL for both (docs/data-contract.md §6: no value is changed silently, so an
  absent field is never read as '', 0 or 1970-01-01); telling them apart costs one comparison of the text.
  None of them can throw, whatever the text: they run inside insert-time materialized views,
  where an exception would fail the sink's INSERT.
  ObjectId {"$oid": "<hex>"}, Date {"$date": <ms>} (also {"$date": {"$numberLong": "<ms>"}} and
  {"$date": "<ISO-8601>"}), Decimal128 {"$numberDecimal": "<text>"}, Int64 {"$numberLong":
  "<text>"}; Int32/Double/bool/string are plain JSON.

  Speed: these run on every field of every event at insert time, so the usual form of each value
  (the one Debezium writes: `{"$date": 1732406400000}`, a string without escapes, ...) is
  recognised from the raw text with a string test or one anchored regular expression; only an
  unusual spelling (escapes, extra keys, other JSON types) takes a JSON parse. Measured: parsing
  each small value with JSON functions instead made silver several times slower (docs/analytics.md).
-#}

{#- One "$name": value object: `{"$date": 123}` → '123' (the raw value text), '' when the text has another
    shape. -#}
{%- macro _ejson_wrapped(raw, name, value_re) -%}
  extract({{ raw }}, '^\\{\\s*"\\${{ name }}"\\s*:\\s*({{ value_re }})\\s*\\}$')
{%- endmacro -%}

{%- macro ejson_absent(raw) -%}
  ({{ raw }} in ('', 'null'))
{%- endmacro -%}

{#- ── readers: the value of a field that passed the checks below ────────────── -#}

{#- ObjectId → 24-char lowercase hex (NULL when absent or null). -#}
{%- macro ejson_oid(raw) -%}
  if({{ ejson_absent(raw) }}, NULL, lower(if({{ _ejson_wrapped(raw, 'oid', '"[0-9A-Fa-f]{24}"') }} != '',
           substring({{ _ejson_wrapped(raw, 'oid', '"[0-9A-Fa-f]{24}"') }}, 2, 24),
           JSONExtractString({{ raw }}, '$oid'))))
{%- endmacro -%}

{#- Int32 / Int64 ({"$numberLong": "…"}) → Nullable(Int64) (NULL when absent or null). -#}
{%- macro ejson_int64(raw) -%}
  multiIf({{ ejson_absent(raw) }}, NULL,
          match({{ raw }}, '^-?[0-9]+$'), toInt64OrZero({{ raw }}),
          startsWith({{ raw }}, '{'), toInt64OrZero(JSONExtractString({{ raw }}, '$numberLong')),
          JSONExtractInt({{ raw }}))
{%- endmacro -%}

{#- Decimal128 → Nullable(Decimal(18,2)), parsed from the text, never via a float. -#}
{%- macro ejson_decimal(raw) -%}
  toDecimal64OrNull(
    multiIf({{ _ejson_wrapped(raw, 'numberDecimal', '"[^"\\\\\\\\]*"') }} != '',
              trim(BOTH '"' FROM {{ _ejson_wrapped(raw, 'numberDecimal', '"[^"\\\\\\\\]*"') }}),
            startsWith({{ raw }}, '{'), JSONExtractString({{ raw }}, '$numberDecimal'),
            {{ raw }}),
    2)
{%- endmacro -%}

{#- Date → Nullable(DateTime64(3, 'UTC')) (NULL when absent or null). -#}
{%- macro ejson_date(raw) -%}
  if({{ ejson_absent(raw) }}, NULL, fromUnixTimestamp64Milli(
    multiIf(
      {{ _ejson_wrapped(raw, 'date', '-?[0-9]+') }} != '', toInt64OrZero({{ _ejson_wrapped(raw, 'date', '-?[0-9]+') }}),
      JSONType({{ raw }}, '$date') = 'Object', toInt64OrZero(JSONExtractString({{ raw }}, '$date', '$numberLong')),
      JSONType({{ raw }}, '$date') = 'String',
        ifNull(toUnixTimestamp64Milli(
                   parseDateTime64BestEffortOrNull(JSONExtractString({{ raw }}, '$date'), 3, 'UTC')), 0),
      JSONExtractInt({{ raw }}, '$date')),
    'UTC'))
{%- endmacro -%}

{#- Plain JSON string → Nullable(String) (NULL when absent or null). -#}
{%- macro ejson_string(raw) -%}
  multiIf({{ ejson_absent(raw) }}, NULL,
          startsWith({{ raw }}, '"') and position({{ raw }}, '\\') = 0, substring({{ raw }}, 2, length({{ raw }}) - 2),
          JSONExtractString({{ raw }}))
{%- endmacro -%}

{#- ── checks: true when the value is absent, null or of its type (docs/data-contract.md §6) ── -#}

{#- A JSON integer, or a string of digits → Nullable(Int64) (NULL otherwise); read from the raw text, no JSON
    parse. -#}
{%- macro ejson_integer_or_null(raw) -%}
  multiIf(match({{ raw }}, '^-?[0-9]+$'), toInt64OrNull({{ raw }}),
          match({{ raw }}, '^"-?[0-9]+"$'), toInt64OrNull(substring({{ raw }}, 2, length({{ raw }}) - 2)),
          NULL)
{%- endmacro -%}

{#- {"$oid": "<24 hex>"} → lowercase hex; '' otherwise. -#}
{%- macro ejson_oid_or_empty(raw) -%}
  multiIf({{ _ejson_wrapped(raw, 'oid', '"[0-9A-Fa-f]{24}"') }} != '',
            lower(substring({{ _ejson_wrapped(raw, 'oid', '"[0-9A-Fa-f]{24}"') }}, 2, 24)),
          startsWith({{ raw }}, '{') and match(JSONExtractString({{ raw }}, '$oid'), '^[0-9A-Fa-f]{24}$'),
            lower(JSONExtractString({{ raw }}, '$oid')),
          '')
{%- endmacro -%}

{%- macro ejson_ok_oid(raw) -%}
  ({{ ejson_absent(raw) }} or {{ ejson_oid_or_empty(raw) }} != '')
{%- endmacro -%}

{%- macro ejson_ok_string(raw) -%}
  ({{ ejson_absent(raw) }} or startsWith({{ raw }}, '"'))
{%- endmacro -%}

{%- macro ejson_ok_object(raw) -%}
  ({{ ejson_absent(raw) }} or startsWith({{ raw }}, '{'))
{%- endmacro -%}

{%- macro ejson_ok_int32(raw) -%}
  ({{ ejson_absent(raw) }}
   or (match({{ raw }}, '^-?[0-9]+$') and toInt32OrNull({{ raw }}) is not null)
   or (startsWith({{ raw }}, '{') and match(JSONExtractString({{ raw }}, '$numberLong'), '^-?[0-9]+$')
       and toInt32OrNull(JSONExtractString({{ raw }}, '$numberLong')) is not null))
{%- endmacro -%}

{#- A date's epoch ms as written ({"$date": ms}, {"$date": {"$numberLong": "ms"}} or {"$date": "<ISO-8601>"});
    NULL for any other shape. -#}
{%- macro _ejson_date_ms_or_null(raw) -%}
  multiIf(
    {{ _ejson_wrapped(raw, 'date', '-?[0-9]+') }} != '',
      toInt64OrNull({{ _ejson_wrapped(raw, 'date', '-?[0-9]+') }}),
    not startsWith({{ raw }}, '{'), NULL,
    JSONType({{ raw }}, '$date') in ('Int64', 'UInt64'), toInt64OrNull(JSONExtractRaw({{ raw }}, '$date')),
    JSONType({{ raw }}, '$date') = 'Object'
      and match(JSONExtractString({{ raw }}, '$date', '$numberLong'), '^-?[0-9]+$'),
      toInt64OrNull(JSONExtractString({{ raw }}, '$date', '$numberLong')),
    JSONType({{ raw }}, '$date') = 'String'
      and match(JSONExtractString({{ raw }}, '$date'),
                {#- years 1800-2399 only: best-effort parsing reads year 0000 as "no year" (the current one); any
                    other year is outside 1900 ... 2299 whatever the offset, and the range check below decides -#}
                '^(1[89]|2[0-3])\\d{2}-\\d{2}-\\d{2}T(\\d{2}:){2}\\d{2}([.]\\d{1,9})?(Z|[+-]\\d{2}(:?\\d{2})?)$'),
      toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(JSONExtractString({{ raw }}, '$date'), 3, 'UTC')),
    NULL)
{%- endmacro -%}

{#- A date of one of the accepted shapes at an instant within 1900-01-01 … 2299-12-31 UTC (docs/data-contract.md
    §6: DateTime64's and Date32's range, in epoch ms; Date wraps outside 1970 … 2149, so no model uses it for a
    document date). -#}
{%- macro ejson_ok_date(raw) -%}
  ({{ ejson_absent(raw) }}
   or ifNull({{ _ejson_date_ms_or_null(raw) }} between -2208988800000 and 10413791999999, 0))
{%- endmacro -%}

{#- The text of {"$numberDecimal": "<text>"} (fast path, then a parse for other spellings); NULL when not that
    shape. -#}
{%- macro _ejson_decimal_text(raw) -%}
  multiIf({{ _ejson_wrapped(raw, 'numberDecimal', '"[^"\\\\\\\\]*"') }} != '',
            trim(BOTH '"' FROM {{ _ejson_wrapped(raw, 'numberDecimal', '"[^"\\\\\\\\]*"') }}),
          startsWith({{ raw }}, '{') and JSONType({{ raw }}, '$numberDecimal') = 'String',
            JSONExtractString({{ raw }}, '$numberDecimal'),
          NULL)
{%- endmacro -%}

{#- Decimal128 NaN / ±Infinity: legal in MongoDB, not money (docs/analytics.md: such an event is a reject). -#}
{%- macro ejson_is_non_finite_decimal(raw) -%}
  ifNull(match(lower({{ _ejson_decimal_text(raw) }}), '^(nan|[+-]?infinity|-?inf)$'), 0)
{%- endmacro -%}

{#-
  An order's amounts fit the money type (docs/data-contract.md §6): every line total (quantity × unit price) and
  the order total (their sum) within Decimal(18,2). Computed in Decimal(38,2), where no line of an Int32 quantity can
  overflow; a quantity outside Int32, or a quantity or price that is absent or does not read, counts as 0
  (bad_int / bad_decimal / bad_items reject them).
-#}
{%- macro ejson_order_amounts_fit(items) -%}
  arrayAll(x -> abs(x) < toDecimal128(10000000000000000, 2),
           arrayPushBack(arrayMap(item -> toDecimal128(ifNull({{ ejson_decimal("item['unit_price']") }}, 0), 2)
                                            * ifNull(if(abs({{ ejson_int64("item['quantity']") }}) > 2147483647, 0,
                                                        {{ ejson_int64("item['quantity']") }}), 0),
                                  {{ items }}) as _order_line_totals,
                         arraySum(_order_line_totals)))
{%- endmacro -%}

{#- Decimal text exact at 2 decimal places that fits Decimal(18,2), or a plain JSON integer. -#}
{%- macro ejson_ok_decimal(raw) -%}
  ({{ ejson_absent(raw) }}
   or (match({{ raw }}, '^-?[0-9]+$') and toDecimal64OrNull({{ raw }}, 2) is not null)
   or ifNull(match({{ _ejson_decimal_text(raw) }}, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$')
             and toDecimal64OrNull({{ _ejson_decimal_text(raw) }}, 2)
                 = toDecimal128OrNull({{ _ejson_decimal_text(raw) }}, 20)
             {#- a non-zero mantissa read as 0 at 20 places (1E-6176) is no 2-place amount either -#}
             and not (toDecimal128OrNull({{ _ejson_decimal_text(raw) }}, 20) = 0
                      and match({{ _ejson_decimal_text(raw) }}, '^[^eE]*[1-9]')), 0))
{%- endmacro -%}
