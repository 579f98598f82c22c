package dev.envctl.cli.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Writes a plugin jar of test classes, as a user would copy one into the distribution's {@code lib/}. */
public final class PluginJar {
    private static final Path DIST = Path.of(System.getProperty("envctl.dist", "target/envctl")).toAbsolutePath();

    private PluginJar() {
    }

    /**
     * A copy of the built distribution's {@code bin/} and {@code lib/} in {@code dist}, with {@code plugin} in
     * {@code lib/JARNAME}; see {@link #write}.
     */
    public static Path distributionWith(Path dist, String jarName, Class<?> service, Class<?> plugin) {
        try {
            for (String dir : new String[] {"bin", "lib"}) {
                Files.createDirectories(dist.resolve(dir));
                try (var files = Files.list(DIST.resolve(dir))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, dist.resolve(dir).resolve(f.getFileName()));
                    }
                }
            }
            if (!dist.resolve("bin/envctl").toFile().setExecutable(true)) {
                throw new IOException("cannot make " + dist.resolve("bin/envctl") + " executable");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(dist.resolve("lib").resolve(jarName), service, plugin);
        return dist;
    }

    /**
     * Writes {@code jar} holding {@code plugin}'s class files (its nested classes too, and the classes of its package
     * they extend) and the service file that names it as an implementation of {@code service}.
     */
    public static Path write(Path jar, Class<?> service, Class<?> plugin) {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            j.write((plugin.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
            String dir = plugin.getPackageName().replace('.', '/') + "/";
            Path classes = Path.of(plugin.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(dir);
            // its own classes, and the classes of its package they build on (such as ForwardingStore)
            String names = Stream.concat(Stream.of(plugin), Arrays.stream(plugin.getDeclaredClasses())
                            .flatMap(c -> Stream.<Class<?>>iterate(c.getSuperclass(), s -> s != null
                                    && s.getPackageName().equals(plugin.getPackageName()), s -> s.getSuperclass())))
                    .map(Class::getSimpleName).distinct().collect(Collectors.joining("|", "(", ")"));
            try (var files = Files.list(classes)) {
                for (Path f : files.filter(f -> f.getFileName().toString()
                        .matches(names + "(\\$.*)?\\.class")).toList()) {
                    j.putNextEntry(new JarEntry(dir + f.getFileName()));
                    try (InputStream in = Files.newInputStream(f)) {
                        in.transferTo(j);
                    }
                    j.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
