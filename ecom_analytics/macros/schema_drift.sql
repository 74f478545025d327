{#-
  Schema drift: which field paths the documents of one collection carry, of which JSON types, when, how often
  (docs/analytics.md "Schema drift"). Read by the drift_* models at insert time and by the schema_drift view.
-#}

{#-
  The fields the contract models (docs/data-contract.md §1, as silver reads them), per collection role, each with the
  types silver accepts (the names of drift_json_type; JSON null is always accepted). A type outside these is a
  type change: the event is a bad_* reject (docs/analytics.md "Rejects"). Adding a field to silver means adding it
  here too (docs/analytics.md "Taking a new field in").
-#}
{%- macro contract_fields() -%}
{%- set oid = ['oid'] -%}
{%- set text = ['string'] -%}
{%- set date = ['date'] -%}
{{ return({
    'customers': {
        '_id': oid, 'first_name': text, 'last_name': text, 'email': text, 'phone': text, 'address': ['object'],
        'address.street': text, 'address.city': text, 'address.state': text, 'address.postal_code': text,
        'address.country': text, 'created_at': date, 'updated_at': date},
    'products': {
        '_id': oid, 'sku': text, 'name': text, 'category': text, 'price': ['decimal', 'int'],
        'stock_quantity': ['int', 'long'], 'created_at': date, 'updated_at': date},
    'orders': {
        '_id': oid, 'customer_id': oid, 'status': text, 'items': ['array'], 'items[].product_id': oid,
        'items[].quantity': ['int', 'long'], 'items[].unit_price': ['decimal', 'int'], 'ordered_at': date,
        'updated_at': date},
}) }}
{%- endmacro -%}

{#- Field names whose sample value is never stored (case-insensitive RE2, on the last part of the path). -#}
{%- macro drift_secret_name_pattern() -%}
(?i)(pass|pwd|secret|token|key|credential|auth|session|cookie|ssn|cvv|card)
{%- endmacro -%}

{#-
  The type of one raw JSON value as ClickHouse re-writes it (compact; an integral double is its integer):
  null, string, bool, int, double, array, object, or an Extended JSON wrapper: oid, date, decimal, long, or
  `$<key>` for the others ($binary, $timestamp, ...).
-#}
{%- macro drift_json_type(raw) -%}
multiIf({{ raw }} = 'null', 'null', startsWith({{ raw }}, '"'), 'string', {{ raw }} in ('true', 'false'), 'bool',
        startsWith({{ raw }}, '['), 'array', startsWith({{ raw }}, '{"$oid":'), 'oid',
        startsWith({{ raw }}, '{"$date":'), 'date', startsWith({{ raw }}, '{"$numberDecimal":'), 'decimal',
        startsWith({{ raw }}, '{"$numberLong":'), 'long', startsWith({{ raw }}, '{"$'),
        concat('$', extract({{ raw }}, '^\\{"\\$([^"]*)"')), startsWith({{ raw }}, '{'), 'object',
        match({{ raw }}, '^-?[0-9]+$'), 'int', 'double')
{%- endmacro -%}

{#- The (path, raw value) pairs one level below `pairs`: the fields of each object that is not an Extended JSON
    wrapper (`a.b`) and of each object in an array (`a[].b`). -#}
{%- macro _drift_children(pairs) -%}
arrayFlatten(arrayMap(p -> multiIf(
        startsWith(p.2, '{') and not startsWith(p.2, '{"$'),
          arrayMap(kv -> (concat(p.1, '.', kv.1), kv.2), JSONExtractKeysAndValuesRaw(p.2)),
        startsWith(p.2, '['),
          arrayFlatten(arrayMap(e -> if(startsWith(e, '{') and not startsWith(e, '{"$'),
                                        arrayMap(kv -> (concat(p.1, '[].', kv.1), kv.2),
                                                 JSONExtractKeysAndValuesRaw(e)),
                                        []),
                                JSONExtractArrayRaw(p.2))),
        []), {{ pairs }}))
{%- endmacro -%}

{#-
  One row per (path, type) seen in the documents (`after` of c/r/u events with a valid source.ts_ms) of one bronze
  table's rows, aggregated over those rows into what an AggregatingMergeTree merges per (path, type): the set of
  bronze positions (Kafka partition·2⁴⁰ + offset) that carried it, the first and last event time, one sample.
  Every part is idempotent, so rows processed twice change nothing.
  Paths down to var('schema_drift_depth', 2) levels. Never throws (every parse is total), so it can run in an
  insert-time materialized view.
-#}
{%- macro drift_fields(source_relation) -%}
{%- set depth = var('schema_drift_depth', 2) | int -%}
{%- if depth < 1 -%}
{{ exceptions.raise_compiler_error("var schema_drift_depth is " ~ depth
                                   ~ "; set it to 1 (top-level fields only) or more (nested paths)") }}
{%- endif -%}
select
    path,
    json_type,
    {#- a set, not a sum: a bronze row processed twice (the back-fills of streaming_table) counts once -#}
    groupBitmapState(bitShiftLeft(toUInt64(_partition), 40) + toUInt64(_offset)) as event_positions,
    CAST(min(event_at), 'SimpleAggregateFunction(min, DateTime64(3, \'UTC\'))') as first_seen_at,
    CAST(max(event_at), 'SimpleAggregateFunction(max, DateTime64(3, \'UTC\'))') as last_seen_at,
    CAST(any(sample), 'SimpleAggregateFunction(any, String)') as sample_value
from (
    select
        _partition, _offset,
        fromUnixTimestamp64Milli(assumeNotNull(ts_ms), 'UTC') as event_at,
        arrayJoin(pairs) as pair,
        pair.1 as path,
        {{ drift_json_type('pair.2') }} as json_type,
        if(match(splitByChar('.', replaceAll(path, '[]', ''))[-1], '{{ drift_secret_name_pattern() }}'), '***',
           leftUTF8(pair.2, 200)) as sample
    from (
        select
            _partition, _offset, ts_ms,
            {%- for level in range(1, depth + 1) %}
            {% if level == 1 -%}
            JSONExtractKeysAndValuesRaw(doc_text)
            {%- else -%}
            {{ _drift_children('l' ~ (level - 1)) }}
            {%- endif %} as l{{ level }},
            {%- endfor %}
            arrayConcat({% for level in range(1, depth + 1) %}l{{ level }}{{ ', ' if not loop.last }}{% endfor %})
                as pairs
        from (
            select
                _partition, _offset,
                envelope['after'] as doc_raw,
                multiIf(startsWith(doc_raw, '"'), JSONExtractString(doc_raw), startsWith(doc_raw, '{'), doc_raw, '')
                    as doc_text,
                toInt64OrNull(JSONExtractRaw(envelope['source'], 'ts_ms')) as ts_ms
            from (
                select
                    _partition, _offset,
                    CAST(JSONExtractKeysAndValuesRaw(raw_data), 'Map(String, String)') as envelope
                from {{ source_relation }}
            )
            where envelope['op'] in ('"c"', '"r"', '"u"')
        )
        {#- the contract's range of event times (docs/data-contract.md §6), so the time converts exactly -#}
        where ts_ms between 0 and 10413791999999
    )
)
group by path, json_type
{%- endmacro -%}
