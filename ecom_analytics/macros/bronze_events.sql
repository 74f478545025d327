{#-
  Every row of one bronze table, classified and parsed in one pass, for an insert-time
  materialized view (so: no subquery on other tables, and no function that can throw on bad
  input — every parse uses an ...OrNull / ...OrZero form; a bronze INSERT must never fail
  because of its content).

  Columns: op, fields (Map of the `after` document's top-level field → raw JSON text),
  document_id, _event_timestamp_ms, _version, _is_deleted, _reject_reason, _raw,
  _topic, _partition, _offset, _ingested_at.

  Rules (docs/data-contract.md §2, §4, §6; the exact reject rules are in docs/analytics.md):
  - order of changes for one document (§2, 2026-12-07) packed into one UInt256 `_version` =
    position·2^64 + offset, "greatest version wins": a streamed event's position is its own
    (source.ts_ms, source.ord) (UInt128 ts_ms·2^64 + ord); a snapshot read's is the newest streamed
    position before it on its partition in its topic life, else its own (macros/stream_positions.sql,
    read from `positions_relation`, the base_*_positions table);
  - `c`/`r`/`u` with a null `after` carry no state: they are dropped here (not rejects);
  - `d` keeps its place in the order as a tombstone row (_is_deleted = 1); its id comes from
    `before._id`, else from the record key;
  - a row that cannot be ordered, attributed or read exactly is a reject: it keeps a row with
    a synthetic id `~<topic>:<partition>:<offset>` (sorts after every hex id, so it never meets
    a document, and a re-processed row replaces itself), `_version` 0 and `_reject_reason`;
    its `_raw` holds raw_data. Silver reads only rows whose `_reject_reason` is ''.
-#}
{%- macro bronze_events(source_relation, collection, positions_relation, only_rows=none) -%}
{#-
  Built as nested SELECTs, each reading the columns of the one below: within one SELECT,
  ClickHouse's analyzer expands every alias at each use, and with the parse chain (envelope →
  document → fields) under every field check that made the query ~60x slower to analyse — paid
  by a materialized view on every inserted block (measured, docs/analytics.md).
  `only_rows` (SQL on raw_data, optional) limits the rows classified, not the rows the snapshot-read
  positions are computed from (all of `source_relation`): the slow path of a two-path silver
  (macros/silver_paths.sql) gives its rows the positions the whole inserted block gives them.
-#}
select
    op,
    fields,
    if(_reject_reason = '', document_id,
       concat('~', _topic, ':', toString(_partition), ':', toString(_offset))) as document_id,
    ifNull(source_ts_ms, 0) as _event_timestamp_ms,
    if(_reject_reason = '',
       bitShiftLeft(toUInt256(if({{ is_streamed_event('op', 'source_snapshot') }},
                                 {{ oplog_position('ifNull(source_ts_ms, 0)', 'source_ord') }},
                                 ifNull(rp._read_position,
                                        {{ oplog_position('ifNull(source_ts_ms, 0)', 'source_ord') }}))), 64)
         + toUInt256(greatest(_offset, 0)),
       toUInt256(0)) as _version,
    toUInt8(_reject_reason = '' and op = 'd') as _is_deleted,
    _reject_reason,
    if(_reject_reason = '', '', raw_data) as _raw,
    _topic,
    _partition,
    _offset,
    _ingested_at
from (
    select
        *,
        multiIf(
            not is_json, 'not_json',
            op not in ('r', 'c', 'u', 'd'), 'unknown_op',
            source_ts_ms is null or source_ts_ms < 0 or not ord_ok, 'no_source',
            not doc_ok, 'bad_document',
            document_id = '', 'no_id',
            op = 'd', '',
            field_reason
        ) as _reject_reason
    from (
        -- 4. the document's id and the type checks of its fields
        select
            *,
            {{ ejson_oid_or_empty("doc_fields['_id']") }} as doc_id,
            multiIf(op = 'd' and doc_id != '', doc_id, op = 'd', {{ key_document_id('_key') }}, doc_id)
                as document_id,
            if(op = 'd', map(), doc_fields) as fields,
            {{ field_reject_reason(collection, "doc_fields") }} as field_reason
        from (
            -- 3. the document parsed once into its top-level fields
            select
                *,
                CAST(JSONExtractKeysAndValuesRaw(doc_text), 'Map(String, String)') as doc_fields,
                doc_absent or notEmpty(doc_fields) or match(doc_text, '^\\s*\\{\\s*\\}\\s*$') as doc_ok
            from (
                -- 2. what the envelope says: op, order, the document (`after` for c/r/u, `before`
                --    for d: a string holding a JSON object, as Debezium writes it, or an object)
                select
                    raw_data, _topic, _partition, _offset, _key, _ingested_at, is_json,
                    multiIf(envelope['op'] = '"r"', 'r', envelope['op'] = '"c"', 'c', envelope['op'] = '"u"', 'u',
                            envelope['op'] = '"d"', 'd', '') as op,
                    {{ ejson_integer_or_null("source['ts_ms']") }} as source_ts_ms,
                    -- positions in the oplog: within Int64 and never negative (docs/data-contract.md §6)
                    source['ord'] in ('', 'null')
                        or ifNull({{ ejson_integer_or_null("source['ord']") }} >= 0, 0) as ord_ok,
                    ifNull({{ ejson_integer_or_null("source['ord']") }}, 0) as source_ord,
                    source['snapshot'] as source_snapshot,
                    envelope[if(op = 'd', 'before', 'after')] as doc_raw,
                    doc_raw in ('', 'null') as doc_absent,
                    multiIf(startsWith(doc_raw, '"'), JSONExtractString(doc_raw),
                            startsWith(doc_raw, '{'), doc_raw, '') as doc_text
                from (
                    -- 1. the envelope parsed ONCE into its top-level fields (raw JSON text each)
                    select
                        raw_data, _topic, _partition, _offset, _key, _ingested_at,
                        CAST(JSONExtractKeysAndValuesRaw(raw_data), 'Map(String, String)') as envelope,
                        notEmpty(envelope) or match(raw_data, '^\\s*\\{\\s*\\}\\s*$') as is_json,
                        CAST(JSONExtractKeysAndValuesRaw(
                                 if(startsWith(envelope['source'], '{'), envelope['source'], '')),
                             'Map(String, String)') as source
                    from {{ source_relation }}
                    {%- if only_rows %}
                    where {{ only_rows }}
                    {%- endif %}
                )
            )
        )
    )
    -- `c`/`r`/`u` without a document carry no state (docs/data-contract.md §2): skipped, not rejected
    where not (is_json and op in ('r', 'c', 'u') and ifNull(source_ts_ms >= 0, 0) and ord_ok and doc_absent)
) as e
-- the position of each snapshot read (one row per bronze row: ANY)
any left join ({{ read_positions(source_relation, positions_relation) }}) as rp
    using (_topic, _partition, _offset, _ingested_at)
{%- endmacro -%}

{#- The id in a record key: `{"id": "{\"$oid\": \"…\"}"}` (Debezium), `{"id": {"$oid": "…"}}` or
    `{"id": "<24 hex>"}`; '' when none. -#}
{%- macro key_document_id(key) -%}
multiIf(
    JSONType(ifNull({{ key }}, ''), 'id') = 'String'
      and match(JSONExtractString(ifNull({{ key }}, ''), 'id'), '^[0-9A-Fa-f]{24}$'),
      lower(JSONExtractString(ifNull({{ key }}, ''), 'id')),
    JSONType(ifNull({{ key }}, ''), 'id') = 'String',
      {{ ejson_oid_or_empty("JSONExtractString(ifNull(" ~ key ~ ", ''), 'id')") }},
    {{ ejson_oid_or_empty("JSONExtractRaw(ifNull(" ~ key ~ ", ''), 'id')") }})
{%- endmacro -%}

{#-
  The reject reason of a `c`/`r`/`u` document's fields ('' when every field of the contract is
  absent, null or of its type), in the fixed order bad_object, bad_items, bad_oid, bad_string,
  bad_int, bad_date, non_finite_decimal, bad_decimal. `fields` maps field → raw JSON text.
-#}
{%- macro field_reject_reason(collection, fields) -%}
{#- Each check is written once as a lambda over the values it applies to: the analyser then works
    on one copy of it, not one per field (it runs for every inserted block). -#}
{%- if collection == 'customers' -%}
{%- set address = ejson_object_fields(fields ~ "['address']") -%}
multiIf(
    not {{ ejson_ok_object(fields ~ "['address']") }}, 'bad_object',
    not arrayAll(x -> {{ ejson_ok_string('x') }},
                 [{{ _f(fields, 'first_name') }}, {{ _f(fields, 'last_name') }}, {{ _f(fields, 'email') }},
                  {{ _f(fields, 'phone') }}, {{ address }}['street'], {{ address }}['city'], {{ address }}['state'],
                  {{ address }}['postal_code'], {{ address }}['country']]), 'bad_string',
    not arrayAll(x -> {{ ejson_ok_date('x') }},
                 [{{ _f(fields, 'created_at') }}, {{ _f(fields, 'updated_at') }}]), 'bad_date',
    '')
{%- elif collection == 'products' -%}
multiIf(
    not arrayAll(x -> {{ ejson_ok_string('x') }},
                 [{{ _f(fields, 'sku') }}, {{ _f(fields, 'name') }}, {{ _f(fields, 'category') }}]), 'bad_string',
    not {{ ejson_ok_int32(_f(fields, 'stock_quantity')) }}, 'bad_int',
    not arrayAll(x -> {{ ejson_ok_date('x') }},
                 [{{ _f(fields, 'created_at') }}, {{ _f(fields, 'updated_at') }}]), 'bad_date',
    {{ ejson_is_non_finite_decimal(_f(fields, 'price')) }}, 'non_finite_decimal',
    not {{ ejson_ok_decimal(_f(fields, 'price')) }}, 'bad_decimal',
    '')
{%- elif collection == 'orders' -%}
{%- set items = order_items(fields) -%}
multiIf(
    not ({{ ejson_absent(_f(fields, 'items')) }} or startsWith({{ _f(fields, 'items') }}, '['))
      or arrayExists(item -> {{ ejson_absent("item['quantity']") }} or {{ ejson_absent("item['unit_price']") }},
                     {{ items }}), 'bad_items',
    not arrayAll(x -> {{ ejson_ok_oid('x') }},
                 arrayPushFront(arrayMap(item -> item['product_id'], {{ items }}), {{ _f(fields, 'customer_id') }})),
      'bad_oid',
    not {{ ejson_ok_string(_f(fields, 'status')) }}, 'bad_string',
    not arrayAll(item -> {{ ejson_ok_int32("item['quantity']") }}, {{ items }}), 'bad_int',
    not arrayAll(x -> {{ ejson_ok_date('x') }},
                 [{{ _f(fields, 'ordered_at') }}, {{ _f(fields, 'updated_at') }}]), 'bad_date',
    arrayExists(item -> {{ ejson_is_non_finite_decimal("item['unit_price']") }}, {{ items }}), 'non_finite_decimal',
    not arrayAll(item -> {{ ejson_ok_decimal("item['unit_price']") }}, {{ items }})
      or not {{ ejson_order_amounts_fit(items) }}, 'bad_decimal',
    '')
{%- else -%}
{{ exceptions.raise_compiler_error("field_reject_reason: unknown collection role '" ~ collection
                                   ~ "' (customers, products or orders)") }}
{%- endif -%}
{%- endmacro -%}

{#- A nested object's fields (raw JSON text each), parsed once; empty when it is not an object. -#}
{%- macro ejson_object_fields(raw) -%}
CAST(JSONExtractKeysAndValuesRaw(if(startsWith({{ raw }}, '{'), {{ raw }}, '')), 'Map(String, String)')
{%- endmacro -%}

{#- An order's lines, each parsed once into its fields (raw JSON text each); an element that is not an object
    has none. -#}
{%- macro order_items(fields) -%}
arrayMap(i -> {{ ejson_object_fields('i') }}, JSONExtractArrayRaw({{ fields }}['items']))
{%- endmacro -%}


{%- macro _f(fields, name) -%}{{ fields }}['{{ name }}']{%- endmacro -%}

{#- The columns every base_* model passes through from bronze_events, after its own. -#}
{%- macro bronze_event_columns() -%}
_event_timestamp_ms, _version, _is_deleted, _reject_reason, _raw, _topic, _partition, _offset, _ingested_at
{%- endmacro -%}
