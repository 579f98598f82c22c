package dev.envctl.store.jdbc;

import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostRequest;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.Map;

/**
 * A separate writer process for {@link ConcurrencyTest}: opens the store through the factory (as the CLI
 * does) and creates {@code count} auto-allocated environments named {@code PREFIX-eN}, on the host the
 * optional fifth argument asks for ({@code auto} places them), else on {@code local}. Exit 0 when all were
 * created, otherwise the error's exit code.
 */
public final class CreateWorker {
    /** The workers' {@code jdbc.connect-timeout}: the socket timeout's 60 s, as a statement may wait that long. */
    static final String FIRST_LOGIN_TIMEOUT = "60s";

    private CreateWorker() {
    }

    public static void main(String[] args) {
        String url = args[0];
        String schema = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        HostRequest host = HostRequest.of(args.length > 4 ? args[4] : null);
        int code = 0;
        // the workers start together, each a cold JVM whose first login pgjdbc's login timeout counts from the
        // call, its class loading included, while the other workers start and the server forks their sessions: on
        // a loaded 2-core machine that outlasts the default 5 s, which is for telling a user that a server does not
        // answer; what the workers test is concurrent writes, not how fast a cold JVM logs in
        try (EnvironmentStore store = new JdbcStoreFactory().open(url, Map.of(JdbcStoreFactory.SCHEMA, schema,
                JdbcStoreFactory.MIGRATE, "validate", JdbcStoreFactory.CONNECT_TIMEOUT, FIRST_LOGIN_TIMEOUT))) {
            Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
            for (int i = 0; i < count; i++) {
                SubnetRequest subnet = i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE;
                store.create(EnvironmentSpec.of(prefix + "-e" + i, "k3d").withSubnet(subnet).withHost(host), allocator);
            }
        } catch (dev.envctl.core.EnvctlException e) {
            System.err.println(e.getMessage());
            code = e.exitCode();
        }
        System.exit(code);
    }
}
