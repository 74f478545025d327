{#-
  MongoDB Extended JSON (strict mode), as Debezium writes it into `before`/`after`.
  Every macro takes a SQL expression holding the raw JSON text of ONE value (e.g.
  `fields['price']`, or `JSONExtractRaw(item, 'unit_price')`); an absent value is '' and a JSON
  null is 'null'. None of them can throw, whatever the text: they run inside insert-time
  materialized views, where an exception would fail the sink's INSERT.
  ObjectId {"$oid": "<hex>"}, Date {"$date": <ms>} (also {"$date": {"$numberLong": "<ms>"}} and
  {"$date": "<ISO-8601>"}), Decimal128 {"$numberDecimal": "<text>"}, Int64 {"$numberLong":
  "<text>"}; Int32/Double/bool/string are plain JSON.
-#}

{#- ── readers: the value of a field that passed the checks below ─────────────────────────── -#}

{#- ObjectId → 24-char lowercase hex ('' when absent). -#}
{%- macro ejson_oid(raw) -%}
  lower(JSONExtractString({{ raw }}, '$oid'))
{%- endmacro -%}

{#- Int32 / Int64 ({"$numberLong": "…"}) → Int64 (0 when absent). -#}
{%- macro ejson_int64(raw) -%}
  if(JSONType({{ raw }}) = 'Object', toInt64OrZero(JSONExtractString({{ raw }}, '$numberLong')), JSONExtractInt({{ raw }}))
{%- endmacro -%}

{#- Decimal128 → Nullable(Decimal(18,2)), parsed from the text, never via a float. -#}
{%- macro ejson_decimal(raw) -%}
  toDecimal64OrNull(if(JSONType({{ raw }}) = 'Object', JSONExtractString({{ raw }}, '$numberDecimal'), {{ raw }}), 2)
{%- endmacro -%}

{#- Date → DateTime64(3, 'UTC') (1970-01-01 when absent). -#}
{%- macro ejson_date(raw) -%}
  fromUnixTimestamp64Milli(
    multiIf(
      JSONType({{ raw }}, '$date') = 'Object', toInt64OrZero(JSONExtractString({{ raw }}, '$date', '$numberLong')),
      JSONType({{ raw }}, '$date') = 'String',
        ifNull(toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(JSONExtractString({{ raw }}, '$date'), 3, 'UTC')), 0),
      JSONExtractInt({{ raw }}, '$date')),
    'UTC')
{%- endmacro -%}

{#- Plain JSON string ('' when absent or null). -#}
{%- macro ejson_string(raw) -%}
  JSONExtractString({{ raw }})
{%- endmacro -%}

{#- ── checks: true when the value is absent, null or of its type (DATA_CONTRACT §6) ─────── -#}

{%- macro ejson_absent(raw) -%}
  (JSONType({{ raw }}) = 'Null')
{%- endmacro -%}

{#- A JSON integer, or a string of digits → Nullable(Int64) (NULL otherwise). -#}
{%- macro ejson_integer_or_null(raw) -%}
  multiIf(JSONType({{ raw }}) in ('Int64', 'UInt64'), toInt64OrNull({{ raw }}),
          JSONType({{ raw }}) = 'String' and match(JSONExtractString({{ raw }}), '^-?[0-9]+$'), toInt64OrNull(JSONExtractString({{ raw }})),
          NULL)
{%- endmacro -%}

{#- {"$oid": "<24 hex>"} → lowercase hex; '' otherwise. -#}
{%- macro ejson_oid_or_empty(raw) -%}
  if(JSONType({{ raw }}) = 'Object' and match(JSONExtractString({{ raw }}, '$oid'), '^[0-9A-Fa-f]{24}$'),
     lower(JSONExtractString({{ raw }}, '$oid')), '')
{%- endmacro -%}

{%- macro ejson_ok_oid(raw) -%}
  ({{ ejson_absent(raw) }} or {{ ejson_oid_or_empty(raw) }} != '')
{%- endmacro -%}

{%- macro ejson_ok_string(raw) -%}
  ({{ ejson_absent(raw) }} or JSONType({{ raw }}) = 'String')
{%- endmacro -%}

{%- macro ejson_ok_object(raw) -%}
  ({{ ejson_absent(raw) }} or JSONType({{ raw }}) = 'Object')
{%- endmacro -%}

{%- macro ejson_ok_int32(raw) -%}
  ({{ ejson_absent(raw) }}
   or (JSONType({{ raw }}) in ('Int64', 'UInt64') and toInt32OrNull({{ raw }}) is not null)
   or (JSONType({{ raw }}) = 'Object' and match(JSONExtractString({{ raw }}, '$numberLong'), '^-?[0-9]+$')
       and toInt32OrNull(JSONExtractString({{ raw }}, '$numberLong')) is not null))
{%- endmacro -%}

{%- macro ejson_ok_date(raw) -%}
  ({{ ejson_absent(raw) }}
   or (JSONType({{ raw }}) = 'Object' and (
         JSONType({{ raw }}, '$date') in ('Int64', 'UInt64')
         or (JSONType({{ raw }}, '$date') = 'Object' and match(JSONExtractString({{ raw }}, '$date', '$numberLong'), '^-?[0-9]+$'))
         or (JSONType({{ raw }}, '$date') = 'String'
             and match(JSONExtractString({{ raw }}, '$date'), '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
             and parseDateTime64BestEffortOrNull(JSONExtractString({{ raw }}, '$date'), 3, 'UTC') is not null))))
{%- endmacro -%}

{#- Decimal128 NaN / ±Infinity: legal in MongoDB, not money (docs/analytics.md: such an event is a reject). -#}
{%- macro ejson_is_non_finite_decimal(raw) -%}
  (JSONType({{ raw }}) = 'Object' and match(lower(JSONExtractString({{ raw }}, '$numberDecimal')), '^(nan|[+-]?infinity|-?inf)$'))
{%- endmacro -%}

{#- Decimal text exact at 2 decimal places that fits Decimal(18,2), or a plain JSON integer. -#}
{%- macro ejson_ok_decimal(raw) -%}
  ({{ ejson_absent(raw) }}
   or (JSONType({{ raw }}) in ('Int64', 'UInt64') and toDecimal64OrNull({{ raw }}, 2) is not null)
   or (JSONType({{ raw }}) = 'Object'
       and match(JSONExtractString({{ raw }}, '$numberDecimal'), '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$')
       and ifNull(toDecimal64OrNull(JSONExtractString({{ raw }}, '$numberDecimal'), 2)
                  = toDecimal128OrNull(JSONExtractString({{ raw }}, '$numberDecimal'), 20), 0)))
{%- endmacro -%}
