package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreContent;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.csv.internal.AtomicFileWriter;
import dev.envctl.store.csv.internal.AwkNames;
import dev.envctl.store.csv.internal.Columns;
import dev.envctl.store.csv.internal.CsvDocument;
import dev.envctl.store.csv.internal.EnvironmentLocks;
import dev.envctl.store.csv.internal.IoErrors;
import dev.envctl.store.csv.internal.RowCache;
import dev.envctl.store.csv.internal.SettledFile;
import dev.envctl.store.csv.internal.StoreFileLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The environment store in one CSV file, compatible with the Kindler scripts' {@code environments.csv}
 * (format in {@code docs/stores/csv.md}). Every change holds an exclusive lock on {@code FILE.lock}, re-reads
 * the file, applies the change and replaces the file atomically (temp file, fsync, rename, fsync of the
 * folder), so concurrent writers in threads and processes never lose an update and readers, who take no
 * lock, never see a partial file. A writer that takes no lock and replaces the file in steps (the Kindler scripts'
 * {@code delete_env.sh}, whose {@code mv} across file systems deletes the file, then writes it anew) is waited
 * for: reads, and the read of every change, take the file once it holds still ({@link SettledFile}). Rows nobody
 * changed are written back byte for byte. A file with a row it
 * cannot read is a {@link ErrorCode#STORE_CORRUPT} error for every read and write until it is fixed.
 *
 * <p>Hosts are {@code #envctl-host} comment lines and an environment's host a {@code host=} key on its
 * {@code #envctl} line (absent for {@code local}); placement and allocation of a create happen under the same
 * file lock, so concurrent creates in any number of processes spread over the hosts.
 *
 * <p>Thread-safe. Per-environment locks are files in {@code FILE.locks/}.
 */
public final class CsvEnvironmentStore implements EnvironmentStore {

    /** The lock wait used when none is configured. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private final Path file;
    private final Path lockFile;
    private final Duration lockTimeout;
    private final EnvironmentLocks environmentLocks;
    private final Clock clock;
    private final RowCache rowCache = new RowCache();
    private volatile LastRead lastRead;
    private final SettledFile settled;
    private volatile boolean closed;

    private CsvEnvironmentStore(Path file, Duration lockTimeout, Clock clock, Runnable pause) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.lockTimeout = lockTimeout;
        this.environmentLocks = new EnvironmentLocks(file.resolveSibling(file.getFileName() + ".locks"), file);
        this.clock = clock;
        this.settled = new SettledFile(file, pause);
    }

    /** Opens the store at {@code file} with the default lock timeout; see {@link #open(Path, Duration)}. */
    public static CsvEnvironmentStore open(Path file) {
        return open(file, DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * Opens the store at {@code file}. A missing file reads as a store without environments; the first write
     * creates it (with its header comment) and its parent folders, so opening, reading and dry runs create
     * nothing. Does not read existing rows: a malformed file opens, and its reads and {@link #health()} say
     * what is wrong.
     *
     * @param lockTimeout how long a change waits for the exclusive lock before failing
     * @throws EnvctlException {@link ErrorCode#STORE_UNAVAILABLE} naming the file when it cannot be created
     */
    public static CsvEnvironmentStore open(Path file, Duration lockTimeout) {
        return open(file, lockTimeout, Clock.systemUTC());
    }

    static CsvEnvironmentStore open(Path file, Duration lockTimeout, Clock clock) {
        return open(file, lockTimeout, clock, SettledFile::pause);
    }

    /** {@code pause}: what a read does while another writer replaces the file ({@link SettledFile}). */
    static CsvEnvironmentStore open(Path file, Duration lockTimeout, Clock clock, Runnable pause) {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Path absolute = physical(file.toAbsolutePath());
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null) {
            throw EnvctlException.invalid("CSV store path '" + file + "' names no file; give a path such as "
                    + "~/.envctl/environments.csv");
        }
        absolute = linkTarget(absolute);
        parent = absolute.getParent();
        Path existing = nearestExisting(parent);
        if (existing != null && !Files.isDirectory(existing)) {
            throw unavailable("cannot create the folder of " + absolute + ": " + existing + " exists and is not a "
                    + "folder; choose another path", null);
        }
        if (Files.isDirectory(parent)) {
            try {
                absolute = parent.toRealPath().resolve(absolute.getFileName());
            } catch (IOException e) {
                throw unavailable("cannot read the folder of " + absolute + ": " + IoErrors.describe(e), e);
            }
        }
        if (Files.isDirectory(absolute)) {
            throw unavailable(absolute + " is a folder, not a CSV file; give the path of a file", null);
        }
        requireRegularFile(absolute);
        return new CsvEnvironmentStore(absolute, lockTimeout, clock, pause);
    }

    /**
     * {@code path} without {@code .} and {@code ..}, read as the system reads them: from its folder's real path when
     * that folder exists, so that a {@code ..} after a linked folder ({@code ~/.envctl/../x.csv}, {@code ~/.envctl}
     * a link) leads where the link leads, not back along the spelling.
     */
    private static Path physical(Path path) {
        Path parent = path.getParent();
        if (parent == null || path.getFileName() == null || !Files.isDirectory(parent)) {
            return path.normalize();
        }
        try {
            return parent.toRealPath().resolve(path.getFileName()).normalize();
        } catch (IOException e) {
            throw unavailable("cannot read the folder of " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * The file a symbolic link at {@code path} leads to, link by link (its target need not exist yet), or
     * {@code path}: a write replaces the file by a rename, which over the link itself would leave the link's
     * target behind, and the lock files must be beside the one file every spelling of the path names.
     */
    private static Path linkTarget(Path path) {
        Path p = path;
        try {
            for (int hops = 0; Files.isSymbolicLink(p); hops++) {
                if (hops == 40) {
                    throw unavailable(path + " is a symbolic link that leads through more than 40 links", null);
                }
                // a relative target counts from the folder the link is in, as the system reads it: from the real
                // folder, not from a spelling through another link (whose '..' would lead elsewhere)
                p = p.getParent().toRealPath().resolve(Files.readSymbolicLink(p)).normalize();
            }
        } catch (IOException e) {
            throw unavailable("cannot read the symbolic link " + p + ": " + IoErrors.describe(e), e);
        }
        return p;
    }

    /**
     * Refuses a path that exists and is not a regular file (a named pipe, a device, a socket): reading a pipe
     * would block until some writer opened it, and a write would replace it.
     */
    private static void requireRegularFile(Path path) {
        // one look: two would take a file another writer replaces between them for something else
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return; // missing (a new store), or unreadable, which reading it says
        }
        if (attributes.isOther()) {
            throw unavailable(path + " is not a regular file (a named pipe, device or socket); give the path of a "
                    + "CSV file", null);
        }
    }

    /** {@code path} or its nearest ancestor that exists; null when none does. */
    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    /** The file's folder, made (with its parents) by the first write: opening and reading create nothing. */
    private void createFolder() {
        try {
            Files.createDirectories(file.getParent());
        } catch (FileAlreadyExistsException e) {
            throw unavailable("cannot create the folder of " + file + ": " + e.getFile()
                    + " exists and is not a folder; choose another path", e);
        } catch (IOException e) {
            throw unavailable("cannot create the folder of " + file + ": " + IoErrors.describe(e)
                    + "; choose a path in a writable folder", e);
        }
    }

    private static EnvctlException unavailable(String message, Throwable cause) {
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, message, cause);
    }

    /** The data file. */
    public Path file() {
        return file;
    }

    /** The file every change locks. */
    public Path lockFile() {
        return lockFile;
    }

    /** The folder of the per-environment lock files. */
    public Path environmentLockFolder() {
        return environmentLocks.folder();
    }

    @Override
    public String location() {
        return file.toString();
    }

    /**
     * The file's rows as they are once it holds still ({@link SettledFile}); none when there is no file. A read of
     * the same bytes as the last one returns the document parsed then (the bytes are read and compared every time,
     * so another writer's change is always seen): a reconcile reads the file once per environment and step, which
     * would otherwise build every environment of the file each time. Documents read here are never changed; a
     * write parses its own.
     */
    private CsvDocument read() {
        requireOpen();
        requireRegularFile(file);
        byte[] read = settled.read(written());
        byte[] bytes = read == null ? new byte[0] : read;
        LastRead last = lastRead;
        if (last != null && Arrays.equals(last.bytes(), bytes)) {
            return last.document();
        }
        CsvDocument doc = CsvDocument.parse(file, bytes, rowCache);
        lastRead = new LastRead(bytes, doc);
        return doc;
    }

    private record LastRead(byte[] bytes, CsvDocument document) {
    }

    /** Whether envctl wrote this store before (its lock file is there): its file then exists unless removed. */
    private boolean written() {
        return Files.exists(lockFile);
    }

    /** Runs {@code change} on a fresh read under the exclusive lock; writes the file if it changed anything. */
    private <T> T write(Function<CsvDocument, T> change) {
        requireOpen();
        boolean written = written();
        if (!settled.exists(written)) {
            // a change that changes nothing (a delete of a name that is not there) leaves no file, lock or folder
            CsvDocument empty = CsvDocument.parse(file, CsvDocument.emptyFile(), rowCache);
            T result = change.apply(empty);
            if (!empty.changed()) {
                return result;
            }
            createFolder();
        }
        StoreFileLock lock = StoreFileLock.acquire(lockFile, file, lockTimeout);
        try {
            requireRegularFile(file);
            byte[] read = settled.read(written);
            CsvDocument doc = CsvDocument.parse(file, read == null ? CsvDocument.emptyFile() : read, rowCache);
            T result = change.apply(doc);
            if (doc.changed()) {
                byte[] bytes = doc.render();
                AtomicFileWriter.replace(file, bytes);
                log().debug("wrote {} ({} bytes)", file, bytes.length);
            }
            return result;
        } finally {
            lock.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new EnvctlException(ErrorCode.FAILURE, "the CSV store " + file + " is closed; open it again");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public Optional<Environment> find(String name) {
        return read().find(name);
    }

    private static final Comparator<Environment> BY_NAME = Comparator.comparing(Environment::name);

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        List<Environment> out = new ArrayList<>();
        for (Environment e : read().environments()) {
            if (filter.matches(e)) {
                out.add(e);
            }
        }
        out.sort(BY_NAME);
        return out;
    }

    @Override
    public Environment create(EnvironmentSpec spec, Allocator allocator) {
        return write(doc -> {
            requireNewName(doc, spec.name());
            List<Environment> all = doc.environments();
            Map<String, Integer> perHost = new HashMap<>();
            all.forEach(e -> perHost.merge(e.host(), 1, Integer::sum));
            Host host = Placement.choose(spec.host(), doc.hosts(), perHost, allocator.policy());
            Allocation a = allocator.allocate(spec, HeldSnapshot.of(all, host.name()));
            return doc.add(Environment.created(spec, a.ports(), a.subnet(), now()).withHost(host.name()));
        });
    }

    @Override
    public Environment insert(Environment environment) {
        Environment e = asStored(environment);
        return write(doc -> add(doc, e, HeldSnapshot.of(doc.environments(), e.host())));
    }

    /**
     * Checks every record as {@link #insert} checks it, against the file's rows and the records before it
     * ({@link #writeAll}).
     */
    @Override
    public List<Environment> insertAll(List<Environment> environments) {
        return writeAll(environments.stream().map(CsvEnvironmentStore::asStored).toList(), doc -> {
            // what is held, per host: ports on that host, subnets everywhere; each record added as it is accepted
            Map<String, HeldSnapshot> held = new HashMap<>();
            return e -> {
                Environment added = add(doc, e, held.computeIfAbsent(e.host(),
                        h -> HeldSnapshot.of(doc.environments(), h)));
                held.forEach((host, snapshot) -> snapshot.add(e, host));
                return added;
            };
        });
    }

    /**
     * Writes each of {@code records} to the document with what {@code each} makes for it, in order, and replaces the
     * file once, under one lock, with the records before the first it refuses; a refused record
     * ({@link BatchWriteException}) is not stored, nor are those after it. A file that cannot be written stores none.
     */
    private List<Environment> writeAll(List<Environment> records,
                                       Function<CsvDocument, UnaryOperator<Environment>> each) {
        List<Environment> written = new ArrayList<>(records.size());
        EnvctlException refused;
        try {
            refused = write(doc -> {
                written.clear(); // a change may run twice: on no file, then under the lock
                UnaryOperator<Environment> one = each.apply(doc);
                for (Environment e : records) {
                    try {
                        written.add(one.apply(e));
                    } catch (EnvctlException ex) {
                        return ex; // the records before it are written
                    }
                }
                return null;
            });
        } catch (EnvctlException failure) {
            throw new BatchWriteException(List.of(), failure);
        }
        if (refused != null) {
            throw new BatchWriteException(written, refused);
        }
        return written;
    }

    /**
     * Adds {@code e} to {@code doc} as {@link #insert} does, refusing a taken name, an unknown host, and a port or
     * subnet {@code held} (what the others hold on {@code e}'s host, subnets everywhere) has.
     */
    private Environment add(CsvDocument doc, Environment e, HeldSnapshot held) {
        requireNewName(doc, e.name());
        requireKnownHost(doc, e.host());
        Allocator.requireFree(e, held);
        return doc.add(e);
    }

    /**
     * Refuses as {@link #insert} would refuse it, writing nothing: when the file cannot be written (its folder, lock
     * file or lock folder is not writable to this user: {@link ErrorCode#STORE_UNAVAILABLE} naming the file), and when
     * the name is taken, also as the Kindler scripts read names ({@link #requireNewName}). The invariants are the
     * caller's to check ({@link Allocator#requireFree}), as the interface says.
     */
    @Override
    public void checkInsert(Environment environment) {
        requireOpen();
        String unwritable = unwritable();
        if (unwritable != null) {
            throw unavailable("cannot write " + file + ": " + unwritable, null);
        }
        requireNewName(read(), environment.name());
    }

    /**
     * Writes to {@code out} the file holding {@code hosts} (those other than {@code local}) and {@code environments} as
     * they are, environment by environment, nothing checked
     * ({@link dev.envctl.core.spi.EnvironmentStoreFactory#format}); nothing without either.
     */
    static void format(List<Host> hosts, List<Environment> environments, OutputStream out) throws IOException {
        CsvDocument.write(hosts, () -> environments.stream().map(CsvEnvironmentStore::asStored).iterator(), out);
    }

    /**
     * The hosts (of its {@code #envctl-host} lines) and environments of a file's bytes, the environments ordered by
     * name as {@link #list} orders them, read as the store reads its file
     * ({@link dev.envctl.core.spi.EnvironmentStoreFactory#parse}); a row it cannot read is INVALID_INPUT naming its
     * line.
     */
    static StoreContent parse(byte[] bytes) {
        CsvDocument doc = CsvDocument.parseInput(bytes);
        List<Environment> all = doc.environments();
        all.sort(BY_NAME);
        return new StoreContent(doc.hosts().stream().filter(h -> !h.isLocal()).toList(), all);
    }

    /** {@code e} with the timestamps' precision the file keeps, so that it reads back equal. */
    private static Environment asStored(Environment e) {
        return new Environment(e.name(), e.provider(), e.subnet(), e.ports(), e.nodePort(), e.labels(), e.options(),
                e.desiredState(), e.actualState(), e.lastError(), e.createdAt().truncatedTo(ChronoUnit.MILLIS),
                e.updatedAt().truncatedTo(ChronoUnit.MILLIS), e.version(), e.host());
    }

    /**
     * CONFLICT when {@code name} is taken; in a nine-column file, also when the Kindler scripts, which read it, would
     * take it for another environment's name ({@link AwkNames}: {@code 01} beside {@code 1}, {@code 010} beside {@code 8}), as their lookups would
     * give that one's ports and their {@code delete_env.sh} would remove both rows; INVALID_INPUT there for a name their
     * busybox awk equals to no name ({@link AwkNames#unmatchable}).
     */
    private void requireNewName(CsvDocument doc, String name) {
        if (doc.find(name).isPresent()) {
            // the wording of every store, and of the engine and dry runs, which find the name without a line
            throw EnvctlException.conflict("environment '" + name + "' already exists in " + file
                    + "; choose another name or delete it first");
        }
        if (AwkNames.unmatchable(name) && !doc.wide()) {
            throw EnvctlException.invalid("environment name '" + name + "' is infinity or not a number to busybox awk, "
                    + "which the Kindler scripts that read " + file + " may run: it equals no name there, its own "
                    + "included, so their lookups would not find its row and delete_env.sh would keep it; choose "
                    + "another name");
        }
        if (AwkNames.number(name).isPresent() && !doc.wide()) {
            doc.environments().stream().filter(e -> AwkNames.same(name, e.name())).findFirst()
                    .ifPresent(e -> {
                        throw EnvctlException.conflict("environment name '" + name + "' is the same number as '"
                                + e.name() + "' to the Kindler scripts, which read " + file + ": their awk compares "
                                + "names that look like numbers as numbers, so their lookups and delete_env.sh would "
                                + "take one for the other; choose a name that does not read as a number");
                    });
        }
    }

    @Override
    public Environment update(Environment next, long expectedVersion) {
        return write(doc -> replace(doc, next, expectedVersion));
    }

    /**
     * Checks every record as {@link #update} checks it, against the file's rows as the records before it leave them
     * ({@link #writeAll}).
     */
    @Override
    public List<Environment> updateAll(List<Environment> environments) {
        return writeAll(environments, doc -> e -> replace(doc, e, e.version()));
    }

    /**
     * Replaces {@code next}'s row in {@code doc} as {@link #update} does, after its checks. The other rows are read
     * only for an update that may take something (a host, ports or a subnet other than the record's): one that keeps
     * them, such as a state write, takes nothing another environment could hold.
     */
    private Environment replace(CsvDocument doc, Environment next, long expectedVersion) {
        Environment current = current(doc, next.name(), expectedVersion);
        requireKnownHost(doc, next.host());
        if (!next.host().equals(current.host()) || !next.ports().equals(current.ports())
                || !Objects.equals(next.subnet(), current.subnet())) {
            List<Environment> others = doc.environments();
            others.remove(current);
            if (!next.host().equals(current.host())) {
                Placement.requireRoomToMove(doc.hosts().stream().filter(h -> h.name().equals(next.host()))
                        .findFirst().orElseThrow(), (int) others.stream().filter(e -> e.host().equals(next.host()))
                        .count());
            }
            Allocator.requireFree(next, current, HeldSnapshot.of(others, next.host()));
        }
        return doc.replace(new Environment(next.name(), next.provider(), next.subnet(), next.ports(),
                next.nodePort(), next.labels(), next.options(), next.desiredState(), next.actualState(),
                next.lastError(), current.createdAt(), now(), expectedVersion + 1, next.host()));
    }

    private void requireKnownHost(CsvDocument doc, String host) {
        if (!doc.knowsHost(host)) {
            throw Host.unknown(host, doc.hosts().stream().map(Host::name).toList());
        }
    }

    /** The hosts of the file's {@code #envctl-host} lines and {@link Host#LOCAL}, ordered by name. */
    @Override
    public List<Host> hosts() {
        return read().hosts();
    }

    /** Adds an {@code #envctl-host} line under the file lock; see {@link EnvironmentStore#addHost}. */
    @Override
    public Host addHost(Host host) {
        Objects.requireNonNull(host, "host");
        return write(doc -> doc.addHost(host));
    }

    /** Removes the host's line under the file lock; see {@link EnvironmentStore#removeHost}. */
    @Override
    public boolean removeHost(String name) {
        return write(doc -> doc.removeHost(name));
    }

    private Environment current(CsvDocument doc, String name, long expectedVersion) {
        Environment current = doc.find(name).orElseThrow(() -> EnvctlException.notFound("environment '" + name
                + "' not found in " + file));
        if (current.version() != expectedVersion) {
            throw new EnvctlException(ErrorCode.VERSION_CONFLICT, "environment '" + name + "' changed (version "
                    + current.version() + ", expected " + expectedVersion + "); read it again and retry");
        }
        return current;
    }

    @Override
    public boolean delete(String name) {
        return write(doc -> doc.remove(name));
    }

    @Override
    public void delete(String name, long expectedVersion) {
        write(doc -> {
            current(doc, name, expectedVersion);
            return doc.remove(name);
        });
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        requireOpen();
        return environmentLocks.tryLock(name);
    }

    @Override
    public StoreHealth health() {
        try {
            int rows = read().environments().size();
            String unwritable = unwritable();
            if (unwritable != null) {
                return StoreHealth.down("cannot write " + file + ": " + unwritable);
            }
            return StoreHealth.up("CSV file " + file + " with " + rows + (rows == 1 ? " environment" : " environments")
                    + ", readable and writable",
                    Columns.FORMAT_VERSION);
        } catch (EnvctlException e) {
            if (e.code() == ErrorCode.STORE_CORRUPT || e instanceof CsvDocument.NewerFileException) {
                // the file is there and reads; a row does not (or a newer envctl marked it), and no waiting cures
                // that: a problem to fix, not an outage (a fallback store does not serve reads meanwhile)
                return StoreHealth.up("CSV file " + file, null).withProblem(e.getMessage(), null);
            }
            return StoreHealth.down(e.getMessage(), e.remedy().orElse(null));
        }
    }

    /**
     * Why a write could not replace the file, or null when it could: its lock file and the folder of per-environment
     * locks, when there, must be writable, and a temp file is made and removed at once in its folder (before the first
     * write makes that folder, in the nearest one that exists), which also catches what permission bits do not show
     * (root in a read-only mount, /proc). The data file is never created.
     */
    private String unwritable() {
        Path folder = nearestExisting(file.getParent());
        if (folder == null) {
            return "none of its folders exists";
        }
        Path locks = environmentLocks.folder();
        for (Path link : new Path[] {lockFile, locks}) {
            if (Files.isSymbolicLink(link)) {
                return "its lock " + (link == lockFile ? "file " : "folder ") + link + " is a link, which envctl does "
                        + "not follow (whoever may write the folder could point it at any file), so every change "
                        + (link == lockFile ? "" : "of an environment's cluster ") + "fails; remove it while no envctl "
                        + "runs";
            }
        }
        if (Files.exists(lockFile) && !Files.isWritable(lockFile)) {
            // asked, not opened: closing another channel of the file would drop a lock this process holds on it
            return "its lock file " + lockFile + " is not writable to this user, and every change opens it for "
                    + "writing; give the user write permission on it (chmod g+w for a shared file) or remove it while "
                    + "no envctl runs";
        }
        if (Files.isDirectory(locks) && !Files.isWritable(locks)) {
            return "its lock folder " + locks + " is not writable to this user, and every change of an environment's "
                    + "cluster makes its lock file there; give the user write permission on it (chmod g+w for a shared "
                    + "file) or remove it while no envctl runs";
        }
        try {
            Files.delete(Files.createTempFile(folder, "." + file.getFileName() + ".", ".tmp"));
            return null;
        } catch (IOException e) {
            return "its folder " + (folder.equals(file.getParent()) ? "" : file.getParent() + " does not exist, "
                    + "and ") + folder + " is not writable: " + IoErrors.describe(e);
        }
    }

    /** Releases the per-environment locks taken through this store; later calls fail. */
    @Override
    public void close() {
        closed = true;
        environmentLocks.closeAll();
    }

    @Override
    public String toString() {
        return "CsvEnvironmentStore[" + file + "]";
    }

    /** Looked up when first written to, not when the class loads: a read-only command never starts SLF4J. */
    private static Logger log() {
        return LoggerFactory.getLogger(CsvEnvironmentStore.class);
    }
}
