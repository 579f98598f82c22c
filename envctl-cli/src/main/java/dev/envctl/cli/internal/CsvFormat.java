package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.StoreContent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The CSV store's own file format, produced and read by the CSV store plugin itself so that it is exactly
 * the format of {@code envctl --store x.csv} (the Kindler scripts' nine columns, then envctl's on {@code #envctl}
 * lines): output is what the plugin's {@link dev.envctl.core.spi.EnvironmentStoreFactory#format} writes; input is
 * what its {@link dev.envctl.core.spi.EnvironmentStoreFactory#parse} reads (an input file is no store).
 */
final class CsvFormat {
    private static final String LOCATION = "csv:output.csv";

    private CsvFormat() {
    }

    /**
     * Writes {@code environments} as they are, with {@code hosts}, the hosts other than {@code local} they live on;
     * nothing when both are empty. Nothing is checked: a store's rows that the Kindler scripts gave one port twice
     * are printed as the store holds them; a password in a host's Docker endpoint is not ({@link HostCommand#docker}).
     */
    static void write(Session session, List<Environment> environments, List<Host> hosts) {
        EnvironmentStoreFactory csv = session.plugins().storeFactoryFor(LOCATION);
        List<Host> shown = hosts.stream().map(Hosts::printed).toList();
        try {
            if (!csv.format(shown, environments, session.out())) {
                throw new EnvctlException(ErrorCode.FAILURE, "cannot write CSV output: the store plugin '" + csv.id()
                        + "' for " + LOCATION + " has no file format");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintStream throws none: Stdout keeps why a write failed
        }
        session.out().flush();
    }

    /**
     * The hosts and environments of a CSV file's {@code bytes} in the store's (or the Kindler scripts') format, as the
     * plugin's {@link EnvironmentStoreFactory#parse} reads them: a row it cannot read is invalid input naming the line.
     */
    static StoreContent read(Session session, byte[] bytes) {
        EnvironmentStoreFactory csv = session.plugins().storeFactoryFor(LOCATION);
        return csv.parse(bytes).orElseThrow(() -> new EnvctlException(ErrorCode.FAILURE,
                "cannot read CSV input: the store plugin '" + csv.id() + "' for " + LOCATION + " has no file format"));
    }
}
