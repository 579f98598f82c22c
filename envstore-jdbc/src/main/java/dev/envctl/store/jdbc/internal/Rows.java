package dev.envctl.store.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Redaction;
import dev.envctl.core.Validation;
import dev.envctl.store.jdbc.internal.schema.tables.records.ClustersRecord;
import dev.envctl.store.jdbc.internal.schema.tables.records.HostsRecord;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;

/**
 * Converts between {@link Environment} and rows of {@code clusters}, {@link Host} and rows of {@code hosts};
 * timestamps are UTC. Labels and options ({@code jsonb} string maps) are written and read with jackson-core's
 * streaming generator and parser: a string map needs nothing from jackson-databind, whose first use in a process
 * costs far more than jackson-core's.
 */
public final class Rows {
    /** An empty map as a JSON object, the most common labels and options. */
    private static final JSONB EMPTY_OBJECT = JSONB.valueOf("{}");

    private static final JsonFactory JSON = new JsonFactory();

    private Rows() {
    }

    /** The column values of {@code e}, for an insert or an update. */
    public static Map<Field<?>, Object> values(Environment e) {
        Map<Field<?>, Object> v = new LinkedHashMap<>();
        v.put(CLUSTERS.NAME, e.name());
        v.put(CLUSTERS.PROVIDER, e.provider());
        // the generated field is text (the jOOQ classes come from H2, which has no cidr): the value is cast to cidr
        v.put(CLUSTERS.SUBNET, DSL.field("cast({0} as cidr)", String.class,
                DSL.val(e.subnet() == null ? null : e.subnet().toString(), String.class)));
        v.put(CLUSTERS.NODE_PORT, e.nodePort());
        v.put(CLUSTERS.HTTP_PORT, e.ports().http());
        v.put(CLUSTERS.HTTPS_PORT, e.ports().https());
        v.put(CLUSTERS.PF_PORT, e.ports().pf());
        v.put(CLUSTERS.API_PORT, e.ports().api());
        v.put(CLUSTERS.LABELS, json(e.labels()));
        v.put(CLUSTERS.OPTIONS, json(e.options()));
        v.put(CLUSTERS.DESIRED_STATE, e.desiredState().key());
        v.put(CLUSTERS.ACTUAL_STATE, e.actualState().key());
        v.put(CLUSTERS.LAST_ERROR, e.lastError());
        v.put(CLUSTERS.CREATED_AT, utc(e.createdAt()));
        v.put(CLUSTERS.UPDATED_AT, utc(e.updatedAt()));
        v.put(CLUSTERS.VERSION, e.version());
        v.put(CLUSTERS.HOST, e.host());
        return v;
    }

    /** The row of {@code h}, for an insert: every column, null ones too, counts as set. */
    public static HostsRecord record(Host h) {
        HostsRecord r = new HostsRecord(h.name(), h.docker(), h.address(), json(h.labels()), h.capacity());
        r.changed(true);
        return r;
    }

    /** The host a row of {@code hosts} holds; a row envctl cannot read is a STORE_CORRUPT error naming it. */
    public static Host host(HostsRecord r, String location) {
        try {
            return new Host(r.getName(), r.getDocker(), r.getAddress(), map(r.getLabels()), r.getCapacity());
        } catch (EnvctlException | IllegalArgumentException | NullPointerException e) {
            throw corrupt(r.getName(), "hosts", location, e);
        }
    }

    /** The environment a row holds; a row envctl cannot read is a STORE_CORRUPT error naming it. */
    public static Environment environment(ClustersRecord r, String location) {
        try {
            return new Environment(r.getName(), r.getProvider(), r.getSubnet() == null ? null : Cidr.parse(r.getSubnet()),
                    new HostPorts(r.getHttpPort(), r.getHttpsPort(), r.getPfPort(), r.getApiPort()), r.getNodePort(),
                    map(r.getLabels()), map(r.getOptions()), DesiredState.ofKey(r.getDesiredState()),
                    ActualState.ofKey(r.getActualState()), r.getLastError(), instant(r.getCreatedAt()),
                    instant(r.getUpdatedAt()), r.getVersion(), r.getHost());
        } catch (EnvctlException | IllegalArgumentException | NullPointerException e) {
            throw corrupt(r.getName(), "clusters", location, e);
        }
    }

    private static EnvctlException corrupt(String name, String table, String location, RuntimeException e) {
        return new EnvctlException(ErrorCode.STORE_CORRUPT, "row '" + name + "' of table " + table + " in "
                + Redaction.redactLocation(location) + " is invalid: " + e.getMessage() + "; fix or delete the row", e);
    }

    public static LocalDateTime utc(Instant i) {
        return LocalDateTime.ofInstant(i.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime t) {
        return t.toInstant(ZoneOffset.UTC);
    }

    /** {@code m} as a compact JSON object with sorted keys and string values; {@code {}} when it is empty. */
    static JSONB json(Map<String, String> m) {
        if (m.isEmpty()) {
            return EMPTY_OBJECT;
        }
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a string map as JSON", e);
        }
        return JSONB.valueOf(w.toString());
    }

    /**
     * The map a JSON object holds, sorted by key; empty for SQL or JSON {@code null}. Rows written by other
     * tools (psql) may hold any JSON, which is read as jackson-databind read it into a string map: a number or
     * boolean value counts as its text, a {@code null} value stays {@code null} (the record's validation refuses
     * it, naming the key), a later duplicate key wins, and nothing after the object is read.
     *
     * @throws EnvctlException INVALID_INPUT when the JSON is malformed, is not an object, or has an object or an
     *                         array as a value
     */
    static Map<String, String> map(JSONB j) {
        if (j == null || j.data() == null || j.data().equals(EMPTY_OBJECT.data())) {
            return Map.of();
        }
        try (JsonParser p = JSON.createParser(j.data())) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                return Map.of();
            }
            if (t != JsonToken.START_OBJECT) {
                throw notStringMap("the value is not an object");
            }
            Map<String, String> m = new TreeMap<>();
            String key;
            while ((key = p.nextFieldName()) != null) {
                if (!p.nextToken().isScalarValue()) {
                    throw notStringMap("the value of '" + Validation.printable(key) + "' is an object or an array");
                }
                m.put(key, p.getValueAsString());
            }
            return m;
        } catch (JsonProcessingException e) {
            throw notStringMap(e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not thrown when reading a String
        }
    }

    private static EnvctlException notStringMap(String why) {
        return EnvctlException.invalid("labels or options are not a JSON object of strings: " + why);
    }
}
