import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The RowBinaryWithDefaults body GatewayProbe inserts, built as the ClickHouse Kafka Connect sink builds it. */
final class ProbeRowBinary {
    private ProbeRowBinary() {}

    /**
     * RowBinaryWithDefaults of `rows`, column by column as DESCRIBE lists them, as the sink
     * writes it: every value is preceded by a byte, 1 = use the column's DEFAULT (for a column the row
     * lacks), 0 = the value follows.
     */
    static byte[] rowBinary(JsonArray rows, List<JsonObject> columns) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            for (JsonObject c : columns) {
                String name = c.get("name").getAsString();
                String type = c.get("type").getAsString();
                if (!row.has(name)) {
                    if (c.get("default_type").getAsString().isEmpty()) throw new IllegalArgumentException("row lacks column " + name + " that has no DEFAULT");
                    o.write(1);
                    continue;
                }
                o.write(0);
                writeValue(o, type, row.get(name));
            }
        }
        return o.toByteArray();
    }

    static void writeValue(OutputStream o, String type, JsonElement v) throws IOException {
        if (type.startsWith("Nullable(")) {
            if (v.isJsonNull()) { o.write(1); return; }
            o.write(0);
            type = type.substring(9, type.length() - 1);
        }
        if (type.startsWith("LowCardinality(")) type = type.substring(15, type.length() - 1);
        switch (type) {
            case "String": {
                byte[] b = v.getAsString().getBytes(StandardCharsets.UTF_8);
                for (long n = b.length; ; n >>>= 7) {
                    if (n < 0x80) { o.write((int) n); break; }
                    o.write((int) (n & 0x7f) | 0x80);
                }
                o.write(b);
                return;
            }
            case "Int32": { int x = v.getAsInt(); for (int i = 0; i < 4; i++) o.write((x >>> (8 * i)) & 0xff); return; }
            case "Int64": case "DateTime64(3)": { long x = v.getAsLong(); for (int i = 0; i < 8; i++) o.write((int) ((x >>> (8 * i)) & 0xff)); return; }
            default: throw new IllegalArgumentException("GatewayProbe cannot write type " + type);
        }
    }
}
