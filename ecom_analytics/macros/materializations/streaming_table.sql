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
-#}
{%- materialization streaming_table, adapter='clickhouse' -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set name = this.identifier -%}
  {%- set mv = name ~ '__mv' -%}
  {%- set next = name ~ '__next' -%}
  {%- set next_mv = name ~ '__next_mv' -%}
  {%- set fingerprint = 'cdc:' ~ local_md5(sql ~ '|' ~ cdc_table_clauses()) -%}

  {{ run_hooks(pre_hooks) }}

  {%- set current = cdc_table_comment(name) -%}
  {%- set up_to_date = current == fingerprint and cdc_exists(mv) and not should_full_refresh() -%}

  {%- if up_to_date -%}
    {%- call statement('main') -%} SELECT 1 {%- endcall -%}

  {%- elif current is none -%}
    {%- call statement('main') -%}
      CREATE TABLE {{ cdc_qualified(name) }} {{ cdc_table_clauses() }} COMMENT 'cdc:pending' EMPTY AS {{ sql }}
    {%- endcall -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(mv)) -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(mv) ~ " TO " ~ cdc_qualified(name) ~ " AS " ~ sql) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(name) ~ " " ~ sql) -%}
    {%- do run_query("ALTER TABLE " ~ cdc_qualified(name) ~ " MODIFY COMMENT '" ~ fingerprint ~ "'") -%}

  {%- else -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(next_mv)) -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(next)) -%}
    {%- call statement('main') -%}
      CREATE TABLE {{ cdc_qualified(next) }} {{ cdc_table_clauses() }} COMMENT 'cdc:pending' EMPTY AS {{ sql }}
    {%- endcall -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(next_mv) ~ " TO " ~ cdc_qualified(next)
                     ~ " AS " ~ sql) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(next) ~ " " ~ sql) -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(mv)) -%}
    {%- do run_query("EXCHANGE TABLES " ~ cdc_qualified(name) ~ " AND " ~ cdc_qualified(next)) -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(mv) ~ " TO " ~ cdc_qualified(name) ~ " AS " ~ sql) -%}
    {%- do cdc_wait_for_inserts_started_before(cdc_now()) -%}
    {%- do run_query("INSERT INTO " ~ cdc_qualified(name) ~ " " ~ sql) -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(next_mv)) -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(next)) -%}
    {%- do run_query("ALTER TABLE " ~ cdc_qualified(name) ~ " MODIFY COMMENT '" ~ fingerprint ~ "'") -%}
  {%- endif -%}

  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
