package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code envctl version}: envctl's version and the Java running it. Loads no plugin and reads no config, so it
 * answers even while the config is broken.
 */
@Parameters(commandNames = "version", commandDescription = "Print the envctl and Java versions")
final class VersionCommand extends CliCommand {
    @Override
    boolean readsConfig() {
        return false;
    }

    @Override
    int run(Session session) {
        String version = version();
        String java = System.getProperty("java.version");
        session.print(() -> Json.object("version", version, "java", java), out -> out.println("envctl " + version
                + " (Java " + java + ", " + System.getProperty("java.vm.name") + ")"));
        return 0;
    }

    /**
     * From the manifest of the distribution's jar, which the class loader has already read; from the build's
     * {@code version.properties} when the classes do not come from that jar (tests, embedding).
     */
    static String version() {
        String fromManifest = VersionCommand.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/dev/envctl/cli/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown version
        }
        return p.getProperty("version", "unknown");
    }
}
