package dev.envctl.store.csv.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows and #envctl lines already parsed, by their exact line text. Parsing is a pure function of the text, and a rewrite
 * keeps unchanged lines as they were, so each read of the file only parses the lines that are new since
 * the last one. It holds the lines of the file as last read whole ({@link #startRead}), and those formatted since: as
 * many as the file has, whatever its size, and none a rewrite dropped. Thread-safe; a {@link Read} is not.
 */
public final class RowCache {
    private volatile Map<String, ParsedRow> rows = new ConcurrentHashMap<>();
    private volatile Map<String, MetaLine> metas = new ConcurrentHashMap<>();

    /** The row of {@code text}, parsed now if it was not seen before; problems propagate and are not kept. */
    ParsedRow parse(String text) {
        return rows.computeIfAbsent(text, RowCache::parseUncached);
    }

    /** A read of a whole file, whose lines replace the cache's once it {@link Read#finish finishes}. */
    Read startRead() {
        return new Read();
    }

    /** The lines of one file read, looked up in the cache and kept for the next read. */
    final class Read {
        private final Map<String, ParsedRow> readRows = new HashMap<>();
        private final Map<String, MetaLine> readMetas = new HashMap<>();

        /** As {@link RowCache#parse}. */
        ParsedRow parse(String text) {
            ParsedRow row = rows.get(text);
            if (row == null) {
                row = parseUncached(text);
            }
            readRows.put(text, row);
            return row;
        }

        /** The #envctl line of {@code text}, parsed now if it was not seen before; problems propagate. */
        MetaLine parseMeta(String text) {
            MetaLine meta = metas.get(text);
            if (meta == null) {
                meta = MetaLine.parse(text);
            }
            readMetas.put(text, meta);
            return meta;
        }

        /** The file read whole: its lines are what the cache holds from now on. */
        void finish() {
            rows = new ConcurrentHashMap<>(readRows);
            metas = new ConcurrentHashMap<>(readMetas);
        }
    }

    static ParsedRow parseUncached(String text) {
        List<String> fields = RowCodec.split(text);
        return RowCodec.parse(fields);
    }
}
