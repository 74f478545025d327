{#-
  Silver in two paths at insert time (a streaming_table with config fast_path='<collection>';
  materializations/streaming_table.sql builds the views):
  - the FAST view takes the rows whose raw_data is a canonical Debezium event (silver_fast_match: one length
    test and one anchored RE2 match) and parses each with two typed JSONExtract calls (envelope, document): no
    classification, no per-field checks, no positions join — a row the pattern accepts can be nothing but a
    streamed c/u/d event with valid fields, whose `_version` needs only its own (source.ts_ms, source.ord);
  - the GATE view copies the inserted block into a Null-engine table when at least one of its rows is not
    canonical (snapshot reads, rejects, other spellings); the FULL view on that Null table is the model's
    reference SQL (bronze_events and the field checks) limited to the non-canonical rows, while the snapshot-read
    positions still see the whole block (bronze_events' `only_rows`). A block of canonical rows passes nothing to
    the Null table, and then ClickHouse neither analyses nor runs the full view.
  Each row is written by exactly one path, with exactly the columns and values the reference gives it
  (test/engine/silver-paths.test.ts compares both over the edge and reject fixtures). Every expression of both
  paths is total (…OrNull forms, JSONExtract's defaults), so the result does not depend on
  short_circuit_function_evaluation.
-#}

{#- printable ASCII without quote or backslash: a JSON string with nothing to unescape -#}
{%- macro _silver_str_re() -%}"[ !#-\[\]-~]*"{%- endmacro -%}
{#- a non-negative Int64 without a leading zero (as the reference's integer rules read it, and valid JSON) -#}
{%- macro _silver_pos_re() -%}(?:0|[1-9][0-9]{0,17}){%- endmacro -%}

{#- The canonical Debezium MongoDB envelope (Kafka JSON converter, no spaces) of a streamed event: c/u with
    `after` = document, or d with `before` = document; `source` with the keys Debezium 2.x/3.x writes, in their
    order, snapshot "false"; anything else (a read, null `before` on a delete, an updateDescription) is not
    canonical. -#}
{%- macro silver_envelope_re(document_re) -%}
{%- set s = _silver_str_re() -%}
{%- set n = _silver_pos_re() -%}
{%- set source = '\\{"version":' ~ s ~ ',"connector":"mongodb","name":' ~ s ~ ',"ts_ms":' ~ n
                 ~ ',"snapshot":"false","db":' ~ s ~ ',(?:"sequence":(?:null|' ~ s ~ '),)?"collection":' ~ s
                 ~ ',"ord":' ~ n ~ ',"lsid":(?:null|' ~ s ~ '),"txnNumber":(?:null|' ~ n ~ ')(?:,"wallTime":(?:null|'
                 ~ n ~ '))?\\}' -%}
{{- '^\\{(?:"before":null,"after":"' ~ document_re ~ '","updateDescription":null,"source":' ~ source
    ~ ',"op":"[cu]"|"before":"' ~ document_re ~ '","after":null,"updateDescription":null,"source":' ~ source
    ~ ',"op":"d"),"ts_ms":' ~ n ~ ',"transaction":null\\}$' -}}
{%- endmacro -%}

{#- Whether a bronze row takes the fast path of `collection` (SQL on raw_data). The length bound keeps an order's
    summed amounts provably inside Decimal(18,2) (macros/silver_orders.sql). -#}
{%- macro silver_fast_match(collection) -%}
{%- if collection == 'orders' -%}
  {%- set re = silver_envelope_re(silver_orders_document_re()) -%}
{%- else -%}
  {{ exceptions.raise_compiler_error("fast_path: no fast path for collection '" ~ collection
                                     ~ "' (orders); remove fast_path from the model's config") }}
{%- endif -%}
(length(raw_data) <= 1000000 and match(raw_data, '{{ re | replace("\\", "\\\\") | replace("'", "\\'") }}'))
{%- endmacro -%}

{#- The fast path's SELECT for `collection` over `bronze`. -#}
{%- macro silver_fast(collection, bronze) -%}
{%- if collection == 'orders' -%}{{ silver_orders_fast(bronze) }}{%- endif -%}
{%- endmacro -%}

{#- The reference SELECT of `collection` over `bronze`, for the rows `only_rows` keeps (all when none). -#}
{%- macro silver_full(collection, bronze, positions, only_rows=none) -%}
{%- if collection == 'orders' -%}{{ silver_orders_full(bronze, positions, only_rows) }}{%- endif -%}
{%- endmacro -%}

{#- The gate: every row of the inserted block when one of them is not canonical, else none. -#}
{%- macro silver_gate(collection, bronze) -%}
select * except (_silver_slow_block)
from (select *, max(not {{ silver_fast_match(collection) }}) over () as _silver_slow_block from {{ bronze }})
where _silver_slow_block
{%- endmacro -%}

{#- The canonical rows of `bronze` with their envelope parsed once (before, after, source.ts_ms, source.ord, op)
    and `deleted` (op d: the document is `before`). -#}
{%- macro silver_fast_envelope(bronze, collection) -%}
select
    *,
    JSONExtract(raw_data, 'Tuple(before String, after String, source Tuple(ts_ms Int64, ord Int64), op String)')
        as envelope,
    envelope.op = 'd' as deleted
from {{ bronze }}
where {{ silver_fast_match(collection) }}
{%- endmacro -%}

{#- The columns of bronze_event_columns() for a fast-path row: a streamed event is ordered by its own oplog position
    (bronze_events.sql; stream_positions.sql). -#}
{%- macro silver_fast_event_columns() -%}
envelope.source.ts_ms as _event_timestamp_ms,
bitShiftLeft(toUInt256({{ oplog_position('envelope.source.ts_ms', 'envelope.source.ord') }}), 64)
  + toUInt256(greatest(_offset, 0)) as _version,
toUInt8(deleted) as _is_deleted,
'' as _reject_reason,
'' as _raw,
_topic,
_partition,
_offset,
_ingested_at
{%- endmacro -%}
