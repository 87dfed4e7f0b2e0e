package flux.migrate;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads migration files from disk, in the order they apply: versioned (and raw) files by
 * version, then repeatable scripts by name.
 *
 * <p>Names: {@code NNN_name.sql}, or golang-migrate pairs {@code NNN_name.up.sql} /
 * {@code NNN_name.down.sql}, Flyway's {@code V3__name.sql} too; {@code R__name.sql} is
 * repeatable. A file without a number ({@code todos.sql}) is versioned by its name and sorts
 * after the numbered ones. Without an explicit mode, a directory's files are versioned
 * ({@code R__} repeatable); a single file is repeatable when named {@code R__}, versioned
 * when it has a number, otherwise raw. A directory's {@code schema.sql} is not a migration: it is
 * the desired state that {@code flux db diff} compares with ({@link SchemaDiff}).
 */
public final class MigrationFiles {
    /** The desired-state file's name, never read as a migration. */
    public static final String DESIRED_STATE = "schema.sql";
    private static final Pattern NUMBERED = Pattern.compile("^[Vv]?(\\d+)(?:_.*)?$");
    private static final Comparator<MigrationFile> ORDER = Comparator
            .comparing((MigrationFile f) -> f.mode() == MigrationMode.REPEATABLE)
            .thenComparing(f -> f.mode() == MigrationMode.REPEATABLE ? new Version("") : f.version())
            .thenComparing(MigrationFile::name);

    private MigrationFiles() {
    }

    /** A directory or a single file; {@code mode} null means the defaults above. */
    public static List<MigrationFile> read(Path path, MigrationMode mode) {
        if (Files.isDirectory(path)) {
            return directory(path, mode);
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidMigration(path + " does not exist");
        }
        return List.of(single(path, mode));
    }

    public static List<MigrationFile> directory(Path dir, MigrationMode mode) {
        List<Path> sqlFiles;
        try (Stream<Path> list = Files.list(dir)) {
            sqlFiles = list.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".sql")
                    && !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().equals(DESIRED_STATE)).sorted().toList();
        } catch (IOException e) {
            throw new InvalidMigration("cannot list " + dir + ": " + e.getMessage(), e);
        }
        Map<Version, Path> downs = new HashMap<>();
        Map<Version, MigrationFile> byVersion = new HashMap<>();
        List<MigrationFile> files = new ArrayList<>();
        for (Path p : sqlFiles) {
            Name name = Name.parse(p.getFileName().toString());
            if (name.down()) {
                if (mode == null || mode == MigrationMode.VERSIONED) {
                    downs.put(name.version(), p);
                }
                continue;
            }
            MigrationMode m = mode != null ? mode : name.repeatable() ? MigrationMode.REPEATABLE : MigrationMode.VERSIONED;
            MigrationFile file = load(p, m, name.version(), null);
            if (m != MigrationMode.REPEATABLE) {
                MigrationFile other = byVersion.putIfAbsent(name.version(), file);
                if (other != null && m == MigrationMode.VERSIONED) {
                    throw new InvalidMigration("two migrations have version " + name.version() + ": "
                            + other.name() + " and " + file.name() + "; give one of them a new number");
                }
            }
            files.add(file);
        }
        for (Map.Entry<Version, Path> down : downs.entrySet()) {
            MigrationFile up = byVersion.get(down.getKey());
            if (up == null) {
                throw new InvalidMigration(down.getValue().getFileName() + " has no matching up file in " + dir);
            }
            files.set(files.indexOf(up), withDown(up, down.getValue()));
        }
        files.sort(ORDER);
        return List.copyOf(files);
    }

    public static MigrationFile single(Path file, MigrationMode mode) {
        Name name = Name.parse(file.getFileName().toString());
        if (name.down()) {
            throw new InvalidMigration(file.getFileName() + " is a down file; undo migrations with `flux db rollback`");
        }
        MigrationMode m = mode != null ? mode
                : name.repeatable() ? MigrationMode.REPEATABLE
                : name.version().numeric() ? MigrationMode.VERSIONED : MigrationMode.RAW;
        Path down = null;
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(".up.sql")) {
            Path sibling = file.resolveSibling(fileName.substring(0, fileName.length() - ".up.sql".length()) + ".down.sql");
            down = Files.isRegularFile(sibling) ? sibling : null;
        }
        return load(file, m, name.version(), down);
    }

    /** Reads a file as UTF-8; a file that is not is refused rather than guessed at. */
    static String readText(Path p) {
        try {
            return Files.readString(p);
        } catch (CharacterCodingException e) {
            throw new InvalidMigration(p.getFileName() + " is not valid UTF-8", e);
        } catch (IOException e) {
            throw new InvalidMigration("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static MigrationFile load(Path p, MigrationMode mode, Version version, Path down) {
        String sql = readText(p);
        return new MigrationFile(p, mode, version, sql, Checksum.of(sql), down);
    }

    private static MigrationFile withDown(MigrationFile up, Path down) {
        return new MigrationFile(up.path(), up.mode(), up.version(), up.sql(), up.checksum(), down);
    }

    /** What a file name says: its version, and whether it is a down file or a repeatable script. */
    record Name(Version version, boolean down, boolean repeatable) {
        static Name parse(String fileName) {
            String base = fileName.substring(0, fileName.length() - ".sql".length());
            boolean down = base.endsWith(".down");
            if (down || base.endsWith(".up")) {
                base = base.substring(0, base.lastIndexOf('.'));
            }
            if (base.isEmpty()) {
                throw new InvalidMigration(fileName + " has no name");
            }
            Matcher m = NUMBERED.matcher(base);
            return new Name(Version.of(m.matches() ? m.group(1) : base), down, !down && base.startsWith("R__"));
        }
    }
}
