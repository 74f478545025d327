"""clickhouse-connect (the driver under dbt-clickhouse) against the chdb gateway.

Usage: python chdb-gateway-connect.py <host> <port> <user> <password> <compress>
Prints one JSON object with what it observed; exits non-zero on an unexpected failure.
The TypeScript test (chdb-gateway.test.ts) asserts on that JSON.
"""
import json
import sys
import uuid

import clickhouse_connect
from clickhouse_connect.driver.exceptions import DatabaseError

host, port, user, password, compress = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
compress_arg = {"false": False, "true": True}.get(compress, compress)
out = {}

# As dbt-clickhouse builds its client: session id, settings, query_limit=0.
client = clickhouse_connect.get_client(
    host=host, port=port, username=user, password=password, interface="http", compress=compress_arg,
    query_limit=0, settings={"session_id": f"dbt::{uuid.uuid4()}", "mutations_sync": "3", "alter_sync": "3"},
)
out["server_version"] = client.server_version
table = f"cc_{compress}_{uuid.uuid4().hex[:8]}"
client.command(f"CREATE TABLE {table} (id UInt32, name String, amount Decimal(18, 2), at DateTime) ENGINE = MergeTree ORDER BY id")
import datetime
from decimal import Decimal
rows = [[i, f"n\t{i}\n", Decimal(f"{i}.25"), datetime.datetime(2024, 1, 1, 0, 0, i)] for i in range(1, 6)]
summary = client.insert(table, rows, column_names=["id", "name", "amount", "at"])
out["written_rows"] = summary.written_rows
result = client.query(f"SELECT id, name, amount, at FROM {table} ORDER BY id")
out["rows"] = [[r[0], r[1], str(r[2]), r[3].isoformat()] for r in result.result_rows]
out["count"] = client.command(f"SELECT count() FROM {table}")
out["columns"] = [c for c in client.query(f"SELECT * FROM ( \nSELECT * FROM {table} \n) LIMIT 0").column_names]
# session state, as dbt's temporary relations rely on
client.command("CREATE TEMPORARY TABLE tmp_rel (x Int32)")
client.command("INSERT INTO tmp_rel VALUES (7)")
out["temp_sum"] = client.command("SELECT sum(x) FROM tmp_rel")
out["engine"] = client.command("SELECT engine FROM system.databases WHERE name = database()")
out["param"] = client.query("SELECT {v:String} AS v", parameters={"v": "a'b"}).result_rows[0][0]
try:
    client.query("SELECT * FROM no_such_table_here")
    out["error_code"] = None
except DatabaseError as e:
    out["error_code"] = getattr(e, "code", None)
    out["error_text"] = str(e)[:200]
client.command(f"DROP TABLE {table}")
client.close()
print(json.dumps(out))
