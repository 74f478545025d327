{#-
  The order of one document's changes (docs/data-contract.md §2, decided 2026-12-07):
  - a *streamed* event (`c`/`u`/`d` with `source.snapshot` absent, null or "false") is positioned by
    its oplog position (source.ts_ms, source.ord), then its Kafka offset;
  - every other event (a snapshot read `r`) stands where it is on its topic partition: it takes the
    position of the newest streamed event before it (lower offset) on the same partition in the same
    *topic life*, then its own offset; only when none precedes it does its own (ts_ms, ord) serve.
  A topic life begins where a partition's offsets restart at 0 (a Kafka rebuilt from empty while bronze
  was kept): rows belong to the life opened by the latest offset-0 row ingested at or before them (same
  INSERT included; the sink writes a partition's records in offset order). A re-delivered copy of an
  offset-0 row (the same envelope) opens no new life: a life is named by the first arrival of its
  offset-0 envelope.

  Re-delivered duplicates change nothing (§4): a read whose envelope (raw_data) equals an earlier read's
  on the same partition in the same life — the same event delivered again, possibly at a new offset —
  takes the position of its first delivery (the lowest offset), not of the streamed events before its
  new offset. Reads are matched by cityHash64(raw_data).

  Positions are packed as UInt128 = ts_ms·2^64 + ord (both within Int64, never negative); NULL = none.
  A row marks a position when its envelope is JSON, its op is streamed, and ts_ms / ord are valid
  (§6: otherwise it is a `no_source` reject) — whatever its document is (a rejected or skipped
  streamed event still stands at its oplog position; docs/analytics.md "The order of one document's
  changes").
-#}

{#- Whether an event is streamed: op c/u/d and `source.snapshot` absent, null or false (raw JSON text). -#}
{%- macro is_streamed_event(op, snapshot_raw) -%}
({{ op }} in ('c', 'u', 'd') and {{ snapshot_raw }} in ('', 'null', '"false"', 'false'))
{%- endmacro -%}

{#- The oplog position of a valid (ts_ms, ord), UInt128. -#}
{%- macro oplog_position(ts_ms, ord) -%}
(bitShiftLeft(toUInt128(greatest({{ ts_ms }}, 0)), 64) + toUInt128(greatest({{ ord }}, 0)))
{%- endmacro -%}

{#-
  One row per bronze row of `relation`, parsing only the envelope: `_mark` (the position it gives the
  streamed events' order, NULL for none) and `_is_read` (positioned by its partition instead: not
  streamed). The parse is the one of bronze_events (same maps, same integer rules), so both agree.
-#}
{%- macro stream_marks(relation) -%}
select
    _topic, _partition, _offset, _ingested_at, _hash,
    if(valid and {{ is_streamed_event('op', "source['snapshot']") }},
       {{ oplog_position('ts', 'ord') }}, NULL) as _mark,
    toUInt8(valid and op in ('r', 'c', 'u', 'd') and not {{ is_streamed_event('op', "source['snapshot']") }})
        as _is_read
from (
    select
        _topic, _partition, _offset, _ingested_at, _hash, source,
        multiIf(envelope['op'] = '"r"', 'r', envelope['op'] = '"c"', 'c', envelope['op'] = '"u"', 'u',
                envelope['op'] = '"d"', 'd', '') as op,
        {{ ejson_integer_or_null("source['ts_ms']") }} as ts_ms,
        ifNull({{ ejson_integer_or_null("source['ord']") }}, 0) as ord,
        ifNull(ts_ms, 0) as ts,
        ifNull(ts_ms >= 0, 0)
          and (source['ord'] in ('', 'null') or ifNull({{ ejson_integer_or_null("source['ord']") }} >= 0, 0)) as valid
    from (
        select
            _topic, _partition, _offset, _ingested_at,
            cityHash64(raw_data) as _hash,
            CAST(JSONExtractKeysAndValuesRaw(raw_data), 'Map(String, String)') as envelope,
            CAST(JSONExtractKeysAndValuesRaw(if(startsWith(envelope['source'], '{'), envelope['source'], '')),
                 'Map(String, String)') as source
        from {{ relation }}
    )
)
{%- endmacro -%}

{#-
  The position each read of `relation` takes (`_read_position`, NULL when no streamed event precedes it in its
  topic life), keyed by (_topic, _partition, _offset, _ingested_at). Earlier rows come from `positions` (the
  base_*_positions table: marks, offset-0 rows and reads of everything ingested before), the current rows from
  `relation` itself. Nothing is read from `positions` unless `relation` holds a read, and of the earlier reads
  only those with the envelope hash of a current read (its possible first delivery): a block of streamed events
  costs one envelope parse and no lookup.
-#}
{%- macro read_positions(relation, positions) -%}
select _topic, _partition, _offset, _ingested_at, any(_first_before.1) as _read_position
from (
    select
        _topic, _partition, _offset, _ingested_at, _is_read, _new,
        -- a re-delivered read stands where its first delivery (lowest offset) stood
        argMin(tuple(_before), (_offset, _ingested_at))
            over (partition by _topic, _partition, _life, _is_read, _hash) as _first_before
    from (
        select
            *,
            -- the newest streamed position strictly before the row's offset in its life
            max(_mark) over (partition by _topic, _partition, _life order by _offset
                             range between unbounded preceding and 1 preceding) as _before
        from (
            select
                *,
                -- the life: named by the first arrival of the latest offset-0 envelope ingested at or before
                -- this row (0: none seen); a re-delivered offset-0 row names the life it already opened
                max(_life_start) over (partition by _topic, _partition order by _ingested_at) as _life
            from (
                select
                    *,
                    if(_offset = 0,
                       min(toUnixTimestamp64Milli(_ingested_at)) over (partition by _topic, _partition, _offset, _hash),
                       toInt64(0)) as _life_start
                from (
                    select _topic, _partition, _offset, _ingested_at, _hash, _mark, _is_read, toUInt8(0) as _new
                    from {{ positions }}
                    -- the partitions holding a current read: their marks and offset-0 rows (key hash 0), and
                    -- their earlier reads with a current read's hash; one set, so the block is parsed once more
                    where (_topic, _partition, if(_is_read and _offset != 0, _hash, toUInt64(0))) in (
                        select _topic, _partition, arrayJoin([toUInt64(0), _hash])
                        from ({{ stream_marks(relation) }})
                        where _is_read
                    )
                    union all
                    select _topic, _partition, _offset, _ingested_at, _hash, _mark, _is_read, toUInt8(1) as _new
                    from ({{ stream_marks(relation) }})
                    where _mark is not null or _is_read or _offset = 0
                )
            )
        )
    )
)
where _is_read and _new
group by _topic, _partition, _offset, _ingested_at
{%- endmacro -%}

{#- The rows of a base_*_positions model: every mark, offset-0 row and read of one bronze table (the source is
    named here, not in the model, so `npm run status` does not count the table as silver storage:
    components/analytics/relations.ts). -#}
{%- macro partition_marks(collection) -%}
select _topic, _partition, _offset, _ingested_at, _hash, _mark, _is_read
from ({{ stream_marks(source('bronze', collection)) }})
where _mark is not null or _offset = 0 or _is_read
{%- endmacro -%}
