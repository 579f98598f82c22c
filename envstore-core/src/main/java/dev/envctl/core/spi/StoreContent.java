package dev.envctl.core.spi;

import dev.envctl.core.Environment;
import dev.envctl.core.Host;

import java.util.List;

/**
 * What the bytes of a store's file hold, as {@link EnvironmentStoreFactory#parse} reads them: what
 * {@link EnvironmentStoreFactory#format} writes.
 *
 * @param hosts        the hosts the file defines, {@code local} left out (it is every store's), ordered by name
 * @param environments the environments, ordered as the store lists its own
 */
public record StoreContent(List<Host> hosts, List<Environment> environments) {
    public StoreContent {
        hosts = List.copyOf(hosts);
        environments = List.copyOf(environments);
    }
}
