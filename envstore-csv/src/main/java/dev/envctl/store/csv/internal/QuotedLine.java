package dev.envctl.store.csv.internal;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Splits one physical line that holds a double quote, as RFC 4180 CSV with spaces around fields ignored. */
final class QuotedLine {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true)
            .setTrim(true).get();

    private QuotedLine() {
    }

    static List<String> split(String line) {
        List<CSVRecord> records;
        try (CSVParser parser = CSVParser.parse(line, FORMAT)) {
            records = parser.getRecords();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException("the row has a quoted field that is not closed on the same line "
                    + "(a row is one line; double a quote inside a quoted field)");
        }
        if (records.size() != 1) {
            throw new IllegalArgumentException("the row has a line break inside it; a row is one line");
        }
        List<String> out = new ArrayList<>(records.get(0).size());
        records.get(0).forEach(out::add);
        return out;
    }
}
