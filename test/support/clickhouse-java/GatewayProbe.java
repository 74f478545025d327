import com.clickhouse.client.ClickHouseClient;
import com.clickhouse.client.ClickHouseException;
import com.clickhouse.client.ClickHouseNode;
import com.clickhouse.client.ClickHouseNodeSelector;
import com.clickhouse.client.ClickHouseProtocol;
import com.clickhouse.data.ClickHouseRecord;
import com.clickhouse.client.ClickHouseRequest;
import com.clickhouse.client.ClickHouseResponse;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.client.api.query.Records;
import com.clickhouse.client.config.ClickHouseClientOption;
import com.clickhouse.config.ClickHouseOption;
import com.clickhouse.data.ClickHouseCityHash;
import com.clickhouse.data.ClickHouseDataStreamFactory;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.data.ClickHousePipedOutputStream;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Drives a ClickHouse HTTP endpoint the way the ClickHouse Kafka Connect sink does, with the
 * sink's own clients (clickhouse-java V1 `clickhouse-http-client` or `client-v2`) and their
 * default settings: ping, server version, the system.columns table count, DESCRIBE (JSONEachRow,
 * describe_include_subcolumns), an INSERT in RowBinaryWithDefaults built from the DESCRIBE like the
 * sink builds it, a read-back, and a query that must fail. Also hashes generated inputs with
 * clickhouse-java's CityHash128, as reference vectors. Spec: JSON on stdin; result: one JSON line
 * on stdout (test/support/clickhouse-java/index.ts).
 */
public class GatewayProbe {
    static JsonObject spec;
    static JsonObject out = new JsonObject();

    public static void main(String[] args) throws Exception {
        spec = JsonParser.parseReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).getAsJsonObject();
        try {
            if ("v2".equals(str("client"))) v2();
            else v1();
        } catch (Throwable t) {
            // what got done so far still goes out, with the failure
            java.io.StringWriter w = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(w));
            out.addProperty("exception", w.toString());
        }
        JsonArray hashes = new JsonArray();
        for (JsonElement n : spec.getAsJsonArray("hashLengths")) {
            byte[] data = sample(n.getAsInt());
            long[] h = ClickHouseCityHash.cityHash128(data, 0, data.length);
            JsonArray row = new JsonArray();
            row.add(n.getAsInt());
            row.add(String.format("%016x", h[0]));
            row.add(String.format("%016x", h[1]));
            hashes.add(row);
        }
        out.add("cityhash", hashes);
        System.out.println(new Gson().toJson(out));
        System.exit(0);
    }

    static String str(String k) { return spec.get(k).getAsString(); }
    static String db() { return str("database"); }
    static String table() { return str("table"); }
    static String tablesSql() {
        return String.format("select database, table, count(*) as col_count from system.columns where database = '%s' group by database, table", db());
    }
    static String readbackSql() {
        return String.format("SELECT raw_data, _topic, _partition, _offset, _key, toUnixTimestamp64Milli(_ingested_at) FROM `%s`.`%s` ORDER BY _offset", db(), table());
    }
    /** The same bytes as the TypeScript side generates for a length. */
    static byte[] sample(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((i * 131 + n * 7 + 13) & 0xff);
        return b;
    }

    // ---- client-v2, as ClickHouseHelperClient.createClientV2 builds it ----
    static void v2() throws Exception {
        Client.Builder b = new Client.Builder().addEndpoint(str("url")).setUsername(str("user")).setPassword(str("password"))
                .setClientName("cdc-pipeline-conformance").setDefaultDatabase(db());
        if (spec.get("compressRequest").getAsBoolean()) b.compressClientRequest(true);
        try (Client client = b.build()) {
            out.addProperty("ping", client.ping(30_000));
            try (Records rs = client.queryRecords("SELECT VERSION()", new QuerySettings().setFormat(ClickHouseFormat.RowBinaryWithNamesAndTypes)).get()) {
                for (GenericRecord r : rs) out.addProperty("version", r.getString(1));
            }
            JsonArray tables = new JsonArray();
            try (Records rs = client.queryRecords(tablesSql(), new QuerySettings()).get()) {
                for (GenericRecord r : rs) tables.add(tableRow(r.getString(1), r.getString(2), r.getInteger(3)));
            }
            out.add("tables", tables);
            QuerySettings ds = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow).serverSetting("describe_include_subcolumns", "1").setDatabase(db());
            List<String> lines = new ArrayList<>();
            try (QueryResponse resp = client.query(String.format("DESCRIBE TABLE `%s`.`%s`", db(), table()), ds).get();
                 BufferedReader br = new BufferedReader(new InputStreamReader(resp.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = br.readLine()) != null; ) lines.add(l);
            }
            List<JsonObject> columns = describe(lines);
            InsertSettings is = new InsertSettings().setDatabase(db()).setQueryId(UUID.randomUUID().toString());
            try (InsertResponse ir = client.insert(table(), o -> { o.write(ProbeRowBinary.rowBinary(spec.getAsJsonArray("rows"), columns)); o.close(); }, ClickHouseFormat.RowBinaryWithDefaults, is).get(60, TimeUnit.SECONDS)) {
                out.addProperty("written_rows", ir.getWrittenRows());
            }
            JsonArray back = new JsonArray();
            try (Records rs = client.queryRecords(readbackSql()).get()) {
                for (GenericRecord r : rs) {
                    back.add(readbackRow(r.getString(1), r.getString(2), r.getInteger(3), r.getLong(4), r.getObject(5) == null ? null : r.getString(5), r.getLong(6)));
                }
            }
            out.add("readback", back);
            try {
                client.queryRecords("SELECT * FROM no_such_table_for_probe").get().close();
            } catch (Exception e) {
                Throwable c = e instanceof ExecutionException ? e.getCause() : e;
                out.addProperty("error_code", c instanceof ServerException ? ((ServerException) c).getCode() : -1);
                out.addProperty("error_message", String.valueOf(c.getMessage()));
            }
        }
    }

    // ---- V1 clickhouse-http-client, as ClickHouseHelperClient / ClickHouseWriter use it ----
    static void v1() throws Exception {
        Map<String, String> nodeOptions = new HashMap<>();
        nodeOptions.put("user", str("user"));
        nodeOptions.put("password", str("password"));
        if (spec.get("compressRequest").getAsBoolean()) nodeOptions.put(ClickHouseClientOption.DECOMPRESS.getKey(), "true");
        ClickHouseNode server = ClickHouseNode.of(str("url"), nodeOptions);
        Map<ClickHouseOption, Serializable> options = new HashMap<>();
        options.put(ClickHouseClientOption.CLIENT_NAME, "cdc-pipeline-conformance");
        try (ClickHouseClient client = ClickHouseClient.builder().options(options).nodeSelector(ClickHouseNodeSelector.of(ClickHouseProtocol.HTTP)).build()) {
            out.addProperty("ping", client.ping(server, 30_000));
            try (ClickHouseResponse r = client.read(server).query("SELECT VERSION()").executeAndWait()) {
                out.addProperty("version", r.firstRecord().getValue(0).asString());
            }
            JsonArray tables = new JsonArray();
            try (ClickHouseResponse resp = client.read(server).query(tablesSql()).format(ClickHouseFormat.RowBinaryWithNamesAndTypes).executeAndWait()) {
                for (ClickHouseRecord r : resp.records()) tables.add(tableRow(r.getValue(0).asString(), r.getValue(1).asString(), r.getValue(2).asInteger()));
            }
            out.add("tables", tables);
            List<String> lines = new ArrayList<>();
            try (ClickHouseResponse resp = client.read(server).set("describe_include_subcolumns", true).format(ClickHouseFormat.JSONEachRow)
                    .query(String.format("DESCRIBE TABLE `%s`.`%s`", db(), table())).executeAndWait()) {
                for (ClickHouseRecord r : resp.records()) lines.add(r.getValue(0).asString());
            }
            List<JsonObject> columns = describe(lines);
            ClickHouseRequest.Mutation req = client.read(server).write().table(table(), UUID.randomUUID().toString()).format(ClickHouseFormat.RowBinaryWithDefaults);
            req.option(ClickHouseClientOption.WRITE_BUFFER_SIZE, 8192);
            try (ClickHousePipedOutputStream stream = ClickHouseDataStreamFactory.getInstance().createPipedOutputStream(req.getConfig())) {
                CompletableFuture<ClickHouseResponse> future = req.data(stream.getInputStream()).execute();
                stream.write(ProbeRowBinary.rowBinary(spec.getAsJsonArray("rows"), columns));
                stream.close();
                try (ClickHouseResponse resp = future.get(60, TimeUnit.SECONDS)) {
                    out.addProperty("written_rows", resp.getSummary().getWrittenRows());
                }
            }
            JsonArray back = new JsonArray();
            try (ClickHouseResponse resp = client.read(server).query(readbackSql()).format(ClickHouseFormat.RowBinaryWithNamesAndTypes).executeAndWait()) {
                for (ClickHouseRecord r : resp.records()) {
                    back.add(readbackRow(r.getValue(0).asString(), r.getValue(1).asString(), r.getValue(2).asInteger(), r.getValue(3).asLong(),
                            r.getValue(4).isNullOrEmpty() ? null : r.getValue(4).asString(), r.getValue(5).asLong()));
                }
            }
            out.add("readback", back);
            try (ClickHouseResponse r = client.read(server).query("SELECT * FROM no_such_table_for_probe").executeAndWait()) {
                out.addProperty("error_code", 0);
            } catch (ClickHouseException e) {
                out.addProperty("error_code", e.getErrorCode());
                out.addProperty("error_message", String.valueOf(e.getMessage()));
            }
        }
    }

    static JsonObject tableRow(String database, String table, int count) {
        JsonObject o = new JsonObject();
        o.addProperty("database", database);
        o.addProperty("table", table);
        o.addProperty("col_count", count);
        return o;
    }

    static JsonArray readbackRow(String raw, String topic, int partition, long offset, String key, long ingestedMs) {
        JsonArray a = new JsonArray();
        a.add(raw);
        a.add(topic);
        a.add(partition);
        a.add(offset);
        a.add(key);
        a.add(ingestedMs);
        return a;
    }

    /** The top-level columns of a DESCRIBE (JSONEachRow lines), as reported; also recorded in the output. */
    static List<JsonObject> describe(List<String> lines) {
        List<JsonObject> cols = new ArrayList<>();
        JsonArray all = new JsonArray();
        for (String l : lines) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            all.add(o);
            if (!o.has("is_subcolumn") || o.get("is_subcolumn").getAsInt() == 0) cols.add(o);
        }
        out.add("describe", all);
        return cols;
    }
}
