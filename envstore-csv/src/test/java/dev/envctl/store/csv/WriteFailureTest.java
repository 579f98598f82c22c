package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file system that refuses the write: a clear STORE_UNAVAILABLE error naming the file, and the original
 * intact. Tests run as root, where permissions do not stop writes, so the refusals are real ones that also
 * bind root: a parent that is a regular file, a file-size limit ({@code ulimit -f}, as a full disk does it)
 * and a writer process switched to an unprivileged user ({@code setpriv}) facing a read-only folder.
 */
class WriteFailureTest {
    @TempDir
    Path dir;

    @Test
    void aPathUnderARegularFileIsAnErrorNamingIt() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a folder");

        assertThatThrownBy(() -> CsvEnvironmentStore.open(blocker.resolve("envs.csv")))
                .isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessage("cannot create the folder of " + blocker.resolve("envs.csv") + ": " + blocker
                        + " exists and is not a folder; choose another path");
        assertThatThrownBy(() -> CsvEnvironmentStore.open(blocker.resolve("sub/envs.csv")))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessage("cannot create the folder of " + blocker.resolve("sub/envs.csv") + ": " + blocker
                        + " exists and is not a folder; choose another path");
        assertThat(Files.readString(blocker)).isEqualTo("not a folder");
    }

    @Test
    void aFolderGivenAsTheFileIsAnError() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("envs.csv"));
        assertThatThrownBy(() -> CsvEnvironmentStore.open(folder))
                .hasMessage(folder + " is a folder, not a CSV file; give the path of a file");
    }

    @Test
    void aNamedPipeGivenAsTheFileIsAnErrorAtOpeningAndWhenItAppearsLater() throws Exception {
        Path pipe = dir.resolve("envs.csv");
        mkfifo(pipe);
        assertThatThrownBy(() -> CsvEnvironmentStore.open(pipe))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessage(pipe + " is not a regular file (a named pipe, device or socket); give the path of a "
                        + "CSV file");

        Path later = dir.resolve("later.csv");
        CsvEnvironmentStore store = CsvEnvironmentStore.open(later);
        mkfifo(later);
        // without the check each of these blocks until a writer opens the pipe
        assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL)).hasMessageStartingWith(later + " is not a regular file");
        assertThat(store.health().available()).isFalse();
        assertThat(store.health().detail()).contains("is not a regular file");
        assertThatThrownBy(() -> store.delete("x")).hasMessageStartingWith(later + " is not a regular file");
        assertThat(Files.isRegularFile(later)).isFalse();
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void aWriteRefusedByTheFileSystemLeavesTheOriginalIntact() throws Exception {
        Path file = Fixtures.write(dir.resolve("envs.csv"), rows(80));
        byte[] before = Fixtures.read(file);
        assertThat(before.length).isGreaterThan(2048);

        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f 2 && exec \"$@\"", "bash"));
        command.addAll(ChildJvm.command(System.getProperty("java.class.path"), CsvWriterMain.class,
                List.of("--file", file.toString(), "--prefix", "new", "--count", "1")));
        Result r = run(command);

        assertThat(r.exit).as(r.stderr).isEqualTo(ErrorCode.STORE_UNAVAILABLE.exitCode());
        assertThat(r.stderr).startsWith("error STORE_UNAVAILABLE cannot write " + file + ": File too large")
                .contains("; the file is unchanged. Check that its folder is writable and the disk has space");
        assertThat(Fixtures.read(file)).isEqualTo(before);
        assertNoTempFiles();
    }

    @Test
    void aReadOnlyFolderIsAnErrorNamingTheFileAndLeavesItIntact() throws Exception {
        assumeTrue(run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true")).exit == 0,
                "setpriv cannot switch to an unprivileged user here, and root ignores folder permissions");
        String classPath = copyClassPathForAnyUser();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path file = Fixtures.write(data.resolve("envs.csv"), rows(3));
        byte[] before = Fixtures.read(file);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        List<String> asNobody = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups"));
        asNobody.addAll(ChildJvm.command(classPath, CsvWriterMain.class, List.of("--file", file.toString(),
                "--prefix", "new", "--count", "1")));

        Result noLockFile = run(asNobody);
        assertThat(noLockFile.exit).as(noLockFile.stderr).isEqualTo(5);
        assertThat(noLockFile.stderr).startsWith("error STORE_UNAVAILABLE cannot open the lock file " + file
                + ".lock: permission denied");

        Path lock = Files.createFile(data.resolve("envs.csv.lock"));
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-rw-rw-"));
        Result locked = run(asNobody);
        assertThat(locked.exit).as(locked.stderr).isEqualTo(5);
        assertThat(locked.stderr).startsWith("error STORE_UNAVAILABLE cannot write " + file + ": permission denied (")
                .contains("the file is unchanged");
        assertThat(Fixtures.read(file)).isEqualTo(before);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * A team's shared file: group-writable, in a group-writable folder. The first writer makes the lock file and the
     * per-environment lock folder; a teammate in the file's group must still be able to take both (with a umask of
     * 022 they were writable by their maker alone: every write of the others failed with exit 5).
     */
    @Test
    void aTeammateInTheSharedFilesGroupWritesAndLocksAfterAnotherMadeTheLockFiles() throws Exception {
        assumeTrue(run(List.of("setpriv", "--reuid=4242", "--regid=4242", "--groups=65534", "true")).exit == 0,
                "setpriv cannot switch to an unprivileged user here, and root ignores permissions");
        String classPath = copyClassPathForAnyUser();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectories(dir.resolve("data"));
        PosixFileAttributeView folder = Files.getFileAttributeView(data, PosixFileAttributeView.class);
        GroupPrincipal team = data.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName("nogroup");
        folder.setGroup(team);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path file = Fixtures.write(data.resolve("envs.csv"), rows(3));
        Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(team);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        try (CsvEnvironmentStore first = CsvEnvironmentStore.open(file)) {
            first.create(EnvironmentSpec.of("first", "k3d"), new Allocator(AllocationPolicy.defaults()));
            first.tryLock("first").orElseThrow().close();
        }
        List<String> asTeammate = List.of("setpriv", "--reuid=4242", "--regid=4242", "--groups=65534");

        List<String> write = new ArrayList<>(asTeammate);
        write.addAll(ChildJvm.command(classPath, CsvWriterMain.class, List.of("--file", file.toString(),
                "--prefix", "mate", "--count", "1")));
        Result wrote = run(write);
        assertThat(wrote.exit).as(wrote.stderr).isZero();
        assertThat(Fixtures.readText(file)).contains("\nmate-0,k3d,");

        List<String> lock = new ArrayList<>(asTeammate);
        lock.addAll(ChildJvm.command(classPath, LockHolderMain.class, List.of("env-lock", file.toString(), "first")));
        Path out = dir.resolve("lock.out");
        Process p = new ProcessBuilder(lock).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out).strip()).isEqualTo("locked");
    }

    /**
     * A team's folder with setgid (chmod g+s), so that what is made in it gets the folder's group: the folder of
     * per-environment locks envctl makes there keeps that bit, as mkdir gives it, where setting the folder's permissions
     * cleared it (and lock files made in it afterwards got their maker's group until envctl changed it).
     */
    @Test
    void theLockFolderMadeInASetgidFolderKeepsSetgid() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        GroupPrincipal team = data.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName("nogroup");
        Files.getFileAttributeView(data, PosixFileAttributeView.class).setGroup(team);
        Files.setAttribute(data, "unix:mode", 02775);
        Path file = Fixtures.write(data.resolve("envs.csv"), rows(3));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.tryLock("old-0").orElseThrow().close();
        }

        Path locks = data.resolve("envs.csv.locks");
        assertThat(Integer.toOctalString((Integer) Files.getAttribute(locks, "unix:mode") & 07777))
                .isEqualTo("2775");
        assertThat(Files.readAttributes(locks, PosixFileAttributes.class).group()).isEqualTo(team);
    }

    /**
     * A user's own store written once with {@code sudo}: the lock files root makes belong to the data file's owner, who
     * writes and locks on afterwards (before, every later write of theirs failed: "cannot open the lock file").
     */
    @Test
    void lockFilesRootMakesBelongToTheDataFilesOwner() throws Exception {
        String classPath = usersFolder();
        Path data = dir.resolve("data");
        UserPrincipal nobody = Files.getOwner(data);
        Path file = data.resolve("envs.csv");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (CsvEnvironmentStore asRoot = CsvEnvironmentStore.open(file)) {
            asRoot.create(EnvironmentSpec.of("by-sudo", "k3d"), new Allocator(AllocationPolicy.defaults()));
            asRoot.tryLock("by-sudo").orElseThrow().close();
        }
        assertThat(Files.getOwner(data.resolve("envs.csv.lock"))).isEqualTo(nobody);
        assertThat(Files.getOwner(data.resolve("envs.csv.locks"))).isEqualTo(nobody);

        List<String> write = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        write.addAll(ChildJvm.command(classPath, CsvWriterMain.class, List.of("--file", file.toString(),
                "--prefix", "mine", "--count", "1")));
        Result wrote = run(write);
        assertThat(wrote.exit).as(wrote.stderr).isZero();
        assertThat(Fixtures.readText(file)).contains("\nmine-0,k3d,");
    }

    /**
     * A lock file its user may not open for writing (made by root with an earlier envctl, or by a teammate): every
     * write fails, so health says so instead of "readable and writable" (and {@code envctl doctor} fails).
     */
    @Test
    void aLockFileTheUserCannotWriteIsReportedByHealth() throws Exception {
        String classPath = usersFolder();
        Path data = dir.resolve("data");
        Path file = data.resolve("envs.csv");
        Path lock = Files.createFile(data.resolve("envs.csv.lock"));
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(healthAsNobody(classPath, file)).isEqualTo("down cannot write " + file + ": its lock file " + lock
                + " is not writable to this user, and every change opens it for writing; give the user write "
                + "permission on it (chmod g+w for a shared file) or remove it while no envctl runs");
    }

    /** What the CSV store's health says of {@code file} to the user nobody, in a JVM of its own. */
    private String healthAsNobody(String classPath, Path file) throws Exception {
        List<String> health = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        health.addAll(ChildJvm.command(classPath, CsvHealthMain.class, List.of(file.toString())));
        Path out = dir.resolve("health.out");
        Process p = new ProcessBuilder(health).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return Files.readString(out).strip();
    }

    /**
     * A folder of per-environment locks its user may not write (made by root with an earlier envctl, or by a teammate):
     * every create, delete, apply and reconcile fails to lock its environment, so health says so instead of "readable
     * and writable" (and {@code envctl doctor} fails), as for the lock file.
     */
    @Test
    void aLockFolderTheUserCannotWriteIsReportedByHealth() throws Exception {
        String classPath = usersFolder();
        Path data = dir.resolve("data");
        Path file = data.resolve("envs.csv");
        Path locks = Files.createDirectory(data.resolve("envs.csv.locks"));
        Files.setPosixFilePermissions(locks, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(healthAsNobody(classPath, file)).isEqualTo("down cannot write " + file + ": its lock folder " + locks
                + " is not writable to this user, and every change of an environment's cluster makes its lock file "
                + "there; give the user write permission on it (chmod g+w for a shared file) or remove it while no "
                + "envctl runs");
    }

    /**
     * Skips the test unless {@code setpriv} can switch to {@code nobody}; else makes {@code dir/data/envs.csv} of three
     * rows, the file and its folder owned by {@code nobody}, and returns a class path that user can read.
     */
    private String usersFolder() throws Exception {
        assumeTrue(run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true")).exit == 0,
                "setpriv cannot switch to an unprivileged user here, and root ignores permissions");
        String classPath = copyClassPathForAnyUser();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectories(dir.resolve("data"));
        UserPrincipal nobody = data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(data, nobody);
        Files.setOwner(Fixtures.write(data.resolve("envs.csv"), rows(3)), nobody);
        return classPath;
    }

    private void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
    }

    private static byte[] rows(int n) {
        StringBuilder b = new StringBuilder("# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n");
        for (int i = 0; i < n; i++) {
            b.append("old-").append(i).append(",k3d,30080,").append(19000 + i).append(",true,false,")
                    .append(18080 + i).append(',').append(18400 + i).append(",\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The test class path copied where an unprivileged user can read it (/root is not readable). */
    private String copyClassPathForAnyUser() throws IOException {
        Path target = Files.createDirectories(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(i++ + (Files.isDirectory(source) ? "" : ".jar"));
            if (Files.isDirectory(source)) {
                try (Stream<Path> tree = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) tree::iterator) {
                        Path to = copy.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(source, copy);
            }
            entries.add(copy.toString());
        }
        try (Stream<Path> tree = Files.walk(target)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private record Result(int exit, String stderr) {
    }

    private Result run(List<String> command) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String stderr = Files.readString(err).strip();
        Files.delete(err);
        return new Result(p.exitValue(), stderr);
    }
}
