{#-
  The change events of one bronze table that carry state, one row per delivered record, with:
    op, fields (Map of the `after` document's top-level field → raw JSON text; empty for deletes),
    document_id (24-char lowercase hex),
    _event_timestamp_ms (source.ts_ms), _version, _is_deleted, _ingested_at.

  Rules (DATA_CONTRACT §2, §4):
  - order of changes for one document = (source.ts_ms, source.ord), then Kafka offset; packed into
    one UInt256 `_version` = ts_ms·2^128 + ord·2^64 + offset, so "greatest version wins";
  - `u`/`c`/`r` with a null `after` carry no state and are dropped here, BEFORE any "latest event"
    is picked, so they can neither delete nor override anything;
  - `d` keeps its place in the order as a tombstone row (_is_deleted = 1); its id comes from
    `before._id`, else from the record key;
  - a re-delivered event has the same (ts_ms, ord) and the same content at a higher offset, so
    whichever copy wins, the state is the same;
  - records whose id cannot be found are dropped (they cannot be attributed to a document).

  On an incremental run only bronze rows ingested since the newest row already processed (minus
  var bronze_lookback_seconds) are read; re-reading a row is idempotent.
-#}
{%- macro bronze_changes(source_relation) -%}
select
    op,
    fields,
    document_id,
    source_ts_ms as _event_timestamp_ms,
    bitShiftLeft(toUInt256(greatest(source_ts_ms, 0)), 128)
        + bitShiftLeft(toUInt256(greatest(source_ord, 0)), 64)
        + toUInt256(greatest(_offset, 0)) as _version,
    toUInt8(op = 'd') as _is_deleted,
    _ingested_at
from (
    select
        op,
        fields,
        multiIf(
            op = 'd' and before_id != '', before_id,
            op != 'd' and after_id != '', after_id,
            key_id
        ) as document_id,
        source_ts_ms,
        source_ord,
        _offset,
        _ingested_at
    from (
        select
            -- the envelope parsed once
            JSONExtract(
                raw_data,
                'Tuple(op String, after Nullable(String), before Nullable(String), source Tuple(ts_ms Int64, ord Int64))'
            ) as envelope,
            tupleElement(envelope, 'op') as op,
            tupleElement(envelope, 'after') as after_doc,
            tupleElement(tupleElement(envelope, 'source'), 'ts_ms') as source_ts_ms,
            tupleElement(tupleElement(envelope, 'source'), 'ord') as source_ord,
            -- the `after` document parsed once into its top-level fields (raw JSON text per
            -- field); each field is then read from its own small text
            CAST(JSONExtractKeysAndValuesRaw(ifNull(after_doc, '')), 'Map(String, String)') as fields,
            {{ ejson_oid("fields['_id']") }} as after_id,
            if(op = 'd', {{ ejson_oid('ifNull(tupleElement(envelope, \'before\'), \'\')', '_id') }}, '') as before_id,
            JSONExtractString(ifNull(_key, ''), 'id') as key_id_text,
            if(
                JSONExtractString(key_id_text, '$oid') != '',
                lower(JSONExtractString(key_id_text, '$oid')),
                if(match(key_id_text, '^[0-9A-Fa-f]{24}$'), lower(key_id_text), '')
            ) as key_id,
            _offset,
            _ingested_at
        from {{ source_relation }}
        {%- if is_incremental() %}
        where _ingested_at >= (
            select max(_ingested_at) - toIntervalSecond({{ var('bronze_lookback_seconds', 300) | int }})
            from {{ this }}
        )
        {%- endif %}
    )
    where op = 'd' or (op in ('c', 'r', 'u') and after_doc is not null)
)
where document_id != ''
{%- endmacro -%}
