{#-
  streaming_table: a table fed at insert time by a ClickHouse materialized view over the
  model's single source table; the model's SELECT is both the view's query and the back-fill.

  Why not dbt-clickhouse's `materialized_view` (1.10): its `catchup` back-fills before it
  creates the view, so rows inserted in between are lost; a changed model goes through
  MODIFY QUERY, which ClickHouse accepts even when the SELECT no longer matches the target's
  columns; and it has no record of which SQL built a relation, so a re-run cannot tell "unchanged"
  from "changed". This one needs the model's rows to be idempotent under re-processing (true of
  the base_* models: a ReplacingMergeTree keyed by id with a version that is a function of the
  bronze row), and then it is gap-free:

  - unchanged (the table's comment holds the hash of SQL + engine settings, and the view exists):
    nothing happens; re-running dbt never re-reads history;
  - first creation: table, then view (from now on every INSERT flows), then wait for INSERTs that
    started before the view existed, then back-fill everything present; rows seen twice collapse;
  - changed (or --full-refresh): a `__next` table and view are built and back-filled beside the
    live ones, the old view dropped, the tables exchanged atomically, the view re-created on the
    new table and a second back-fill covers rows that reached only `__next` in between; readers
    see the old or the new table, never a half-built one.
  The hash is written last, so a run that dies midway is redone by the next one.

  With config fast_path='<collection>' (two-path silver, macros/silver_paths.sql) the "view" above is a set of
  four relations, always created and dropped together, in this order (dropped in reverse):
    <t>__slow_in   Null-engine table with bronze's columns;
    <t>__slow_mv   materialized view <t>__slow_in → <t>: the model's SQL for the rows not canonical;
    <t>__gate_mv   materialized view bronze → <t>__slow_in: the blocks holding such a row;
    <t>__mv        materialized view bronze → <t>: the fast path (the canonical rows).
  The `__next` build has the same set named <t>__next_slow_in, … <t>__next_mv. Every view names its source
  and target, and the old set is dropped before the EXCHANGE and re-created by name after it, so no view
  writes to the exchanged table under its old name. The back-fills and the reference are the model's SQL
  (every row). The fingerprint covers the SQL of every view.
-#}
{%- materialization streaming_table, adapter='clickhouse' -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set name = this.identifier -%}
  {%- set fast_path = config.get('fast_path') -%}
  {%- set next = name ~ '__next' -%}
  {%- set views = cdc_streaming_views(name, name ~ '__', fast_path, sql) -%}
  {%- set next_views = cdc_streaming_views(next, name ~ '__next_', fast_path, sql) -%}
  {#- a model without fast_path keeps the fingerprint it had before two-path silver existed (no rebuild) -#}
  {%- set fingerprint = 'cdc:' ~ local_md5(sql ~ '|' ~ cdc_table_clauses()
                                            ~ ('|' ~ views.sql if fast_path else '')) -%}

  {{ run_hooks(pre_hooks) }}

  {%- set current = cdc_table_comment(name) -%}
  {%- set ns = namespace(complete=true) -%}
  {%- for v in views.names -%}{%- if not cdc_exists(v) -%}{%- set ns.complete = false -%}{%- endif -%}{%- endfor -%}
  {%- set up_to_date = current == fingerprint and ns.complete and not should_full_refresh() -%}

  {%- if up_to_date -%}
    {%- call statement('main') -%} SELECT 1 {%- endcall -%}

  {%- elif current is none -%}
    {%- call statement('main') -%}
      CREATE TABLE {{ cdc_qualified(name) }} {{ cdc_table_clauses() }} COMMENT 'cdc:pending' EMPTY AS {{ sql }}
    {%- endcall -%}
    {%- do cdc_drop_streaming_views(name ~ '__') -%}
    {%- do cdc_create_streaming_views(views) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(name) ~ " " ~ sql) -%}
    {%- do run_query("ALTER TABLE " ~ cdc_qualified(name) ~ " MODIFY COMMENT '" ~ fingerprint ~ "'") -%}

  {%- else -%}
    {%- do cdc_drop_streaming_views(name ~ '__next_') -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(next)) -%}
    {%- call statement('main') -%}
      CREATE TABLE {{ cdc_qualified(next) }} {{ cdc_table_clauses() }} COMMENT 'cdc:pending' EMPTY AS {{ sql }}
    {%- endcall -%}
    {%- do cdc_create_streaming_views(next_views) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(next) ~ " " ~ sql) -%}
    {%- do cdc_drop_streaming_views(name ~ '__') -%}
    {%- do run_query("EXCHANGE TABLES " ~ cdc_qualified(name) ~ " AND " ~ cdc_qualified(next)) -%}
    {%- do cdc_create_streaming_views(views) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(name) ~ " " ~ sql) -%}
    {%- do cdc_drop_streaming_views(name ~ '__next_') -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(next)) -%}
    {%- do run_query("ALTER TABLE " ~ cdc_qualified(name) ~ " MODIFY COMMENT '" ~ fingerprint ~ "'") -%}
  {%- endif -%}

  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{#- The views feeding table `t`, named `<prefix>mv` etc. (see the header): `names` (for the "all exist" test),
    `sql` (for the fingerprint) and `statements` (the CREATEs, in creation order). Without fast_path: one view,
    `<prefix>mv`, of the model's SQL. -#}
{%- macro cdc_streaming_views(t, prefix, fast_path, sql) -%}
{%- if not fast_path -%}
  {%- set create = "CREATE MATERIALIZED VIEW " ~ cdc_qualified(prefix ~ 'mv') ~ " TO " ~ cdc_qualified(t)
                   ~ " AS " ~ sql -%}
  {{ return({'names': [prefix ~ 'mv'], 'sql': '', 'statements': [create]}) }}
{%- endif -%}
{%- set bronze = source('bronze', fast_path) -%}
{%- set slow_in = cdc_qualified(prefix ~ 'slow_in') -%}
{%- set fast_sql = silver_fast(fast_path, bronze) -%}
{%- set gate_sql = silver_gate(fast_path, bronze) -%}
{%- set slow_sql = silver_full(fast_path, slow_in, ref(this.identifier ~ '_positions'),
                               'not ' ~ silver_fast_match(fast_path)) -%}
{{ return({
    'names': [prefix ~ 'slow_in', prefix ~ 'slow_mv', prefix ~ 'gate_mv', prefix ~ 'mv'],
    'sql': fast_sql ~ '|' ~ gate_sql ~ '|' ~ slow_sql,
    'statements': [
        "CREATE TABLE " ~ slow_in ~ " AS " ~ bronze ~ " ENGINE = Null",
        "CREATE MATERIALIZED VIEW " ~ cdc_qualified(prefix ~ 'slow_mv') ~ " TO " ~ cdc_qualified(t) ~ " AS " ~ slow_sql,
        "CREATE MATERIALIZED VIEW " ~ cdc_qualified(prefix ~ 'gate_mv') ~ " TO " ~ slow_in ~ " AS " ~ gate_sql,
        "CREATE MATERIALIZED VIEW " ~ cdc_qualified(prefix ~ 'mv') ~ " TO " ~ cdc_qualified(t) ~ " AS " ~ fast_sql,
    ]}) }}
{%- endmacro -%}

{%- macro cdc_create_streaming_views(views) -%}
{%- for s in views.statements -%}{%- do run_query(s) -%}{%- endfor -%}
{%- endmacro -%}

{#- Drops every view named `<prefix>…` of either form (a model may gain or lose fast_path), those fed by bronze
    first. -#}
{%- macro cdc_drop_streaming_views(prefix) -%}
{%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(prefix ~ 'mv')) -%}
{%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(prefix ~ 'gate_mv')) -%}
{%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(prefix ~ 'slow_mv')) -%}
{%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(prefix ~ 'slow_in')) -%}
{%- endmacro -%}
