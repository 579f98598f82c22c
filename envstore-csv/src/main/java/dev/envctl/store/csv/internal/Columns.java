package dev.envctl.store.csv.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The columns of the CSV file: the Kindler scripts' nine, then envctl's nine, then any unknown ones. */
public final class Columns {
    /** The Kindler scripts' columns, in file order. */
    public static final List<String> LEGACY = List.of("env", "provider", "node_port", "pf_port",
            "register_portainer", "haproxy_route", "http_port", "https_port", "cluster_subnet");
    /** envctl's columns, after the legacy ones, in file order. */
    public static final List<String> EXTRA = List.of("api_port", "labels", "options", "desired_state",
            "actual_state", "last_error", "created_at", "updated_at", "version");
    public static final int LEGACY_COUNT = LEGACY.size();
    public static final int FULL_COUNT = LEGACY_COUNT + EXTRA.size();

    /** The labels the legacy boolean columns hold. */
    public static final String REGISTER_PORTAINER = "register_portainer";
    public static final String HAPROXY_ROUTE = "haproxy_route";

    /** The header comment of a file in the Kindler scripts' nine-column format, which envctl creates. */
    public static final String LEGACY_HEADER;

    /** The header comment of a wide file (every column in each row), as earlier envctl versions created. */
    public static final String WIDE_HEADER;

    /** The comment envctl puts under the header of a file it creates, saying what its own lines are. */
    public static final String META_NOTE = "# lines starting with '#envctl NAME' hold envctl's own fields of the"
            + " row NAME; the Kindler scripts skip them as comments";

    /** How a line holding envctl's own fields of a nine-column row starts. */
    public static final String META_PREFIX = "#envctl ";

    /**
     * Creation and update time reported for a legacy row, which records none: the Unix epoch, read as
     * "unknown". A fixed value keeps reads stable (the file's mtime changes with every write).
     */
    public static final Instant LEGACY_TIMESTAMP = Instant.EPOCH;

    /** The format version {@code health()} reports. */
    public static final String FORMAT_VERSION = "2";

    /** The fewest columns a row may have: the Kindler scripts' six-column rows; missing trailing fields are empty. */
    public static final int MIN_COUNT = 6;

    static {
        List<String> all = new ArrayList<>(LEGACY);
        all.addAll(EXTRA);
        LEGACY_HEADER = "# " + String.join(",", LEGACY);
        WIDE_HEADER = "# " + String.join(",", all);
    }

    private Columns() {
    }
}
