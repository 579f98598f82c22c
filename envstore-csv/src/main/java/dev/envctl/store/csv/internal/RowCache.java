package dev.envctl.store.csv.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows and #envctl lines already parsed, by their exact line text. Parsing is a pure function of the text, and a rewrite
 * keeps unchanged lines as they were, so each read of the file only parses the lines that are new since
 * the last one. Bounded: emptied when it grows past {@link #MAX_ENTRIES}. Thread-safe.
 */
public final class RowCache {
    static final int MAX_ENTRIES = 20_000;

    private final Map<String, ParsedRow> rows = new ConcurrentHashMap<>();
    private final Map<String, MetaLine> metas = new ConcurrentHashMap<>();

    /** The row of {@code text}, parsed now if it was not seen before; problems propagate and are not kept. */
    ParsedRow parse(String text) {
        ParsedRow row = rows.get(text);
        if (row == null) {
            row = parseUncached(text);
            if (rows.size() >= MAX_ENTRIES) {
                rows.clear();
            }
            rows.put(text, row);
        }
        return row;
    }

    /** The #envctl line of {@code text}, parsed now if it was not seen before; problems propagate. */
    MetaLine parseMeta(String text) {
        MetaLine meta = metas.get(text);
        if (meta == null) {
            meta = MetaLine.parse(text);
            if (metas.size() >= MAX_ENTRIES) {
                metas.clear();
            }
            metas.put(text, meta);
        }
        return meta;
    }

    static ParsedRow parseUncached(String text) {
        List<String> fields = RowCodec.split(text);
        return RowCodec.parse(fields);
    }

    int size() {
        return rows.size();
    }
}
