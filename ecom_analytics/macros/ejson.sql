{#-
  Readers for MongoDB Extended JSON (strict mode) as Debezium writes it into `before`/`after`.
  Each takes a SQL expression holding the document text and the field path as string literals.
  ObjectId {"$oid": "<hex>"}, Date {"$date": <ms>} (also {"$date": {"$numberLong": "<ms>"}} and
  an ISO-8601 string, the canonical and relaxed forms), Decimal128 {"$numberDecimal": "<text>"},
  Int64 {"$numberLong": "<text>"}; Int32/Double/bool/string are plain JSON.
-#}

{%- macro _ejson_path(path) -%}
  {%- for p in path %}, '{{ p }}'{% endfor -%}
{%- endmacro -%}

{#- ObjectId → 24-char lowercase hex ('' when absent). -#}
{%- macro ejson_oid(doc) -%}
  lower(JSONExtractString({{ doc }}{{ _ejson_path(varargs) }}, '$oid'))
{%- endmacro -%}

{#- Int32 / Int64 ({"$numberLong": "…"}) → Int64. -#}
{%- macro ejson_int64(doc) -%}
  if(JSONType({{ doc }}{{ _ejson_path(varargs) }}) = 'Object',
     toInt64(JSONExtractString({{ doc }}{{ _ejson_path(varargs) }}, '$numberLong')),
     JSONExtract({{ doc }}{{ _ejson_path(varargs) }}, 'Int64'))
{%- endmacro -%}

{#- Decimal128 ({"$numberDecimal": "19.99"}) → Decimal(18,2), parsed from the text, never via a float. -#}
{%- macro ejson_decimal(doc) -%}
  toDecimal64(
    if(JSONType({{ doc }}{{ _ejson_path(varargs) }}) = 'Object',
       JSONExtractString({{ doc }}{{ _ejson_path(varargs) }}, '$numberDecimal'),
       JSONExtractRaw({{ doc }}{{ _ejson_path(varargs) }})),
    2)
{%- endmacro -%}

{#- Date → DateTime64(3, 'UTC'). -#}
{%- macro ejson_date(doc) -%}
  fromUnixTimestamp64Milli(
    multiIf(
      JSONType({{ doc }}{{ _ejson_path(varargs) }}, '$date') = 'Object',
        toInt64(JSONExtractString({{ doc }}{{ _ejson_path(varargs) }}, '$date', '$numberLong')),
      JSONType({{ doc }}{{ _ejson_path(varargs) }}, '$date') = 'String',
        toUnixTimestamp64Milli(parseDateTime64BestEffort(JSONExtractString({{ doc }}{{ _ejson_path(varargs) }}, '$date'), 3, 'UTC')),
      JSONExtract({{ doc }}{{ _ejson_path(varargs) }}, '$date', 'Int64')),
    'UTC')
{%- endmacro -%}

{#- Plain JSON string field ('' when absent or null). -#}
{%- macro ejson_string(doc) -%}
  JSONExtractString({{ doc }}{{ _ejson_path(varargs) }})
{%- endmacro -%}
