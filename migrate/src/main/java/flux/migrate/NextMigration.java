package flux.migrate;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code flux migrations create NAME}: writes the next migration file (or up/down pair),
 * numbered the way the directory already numbers its files. Sequential numbers keep the width
 * of the widest one there ({@code 007} after {@code 006}); 14-digit numbers are UTC timestamps
 * {@code yyyyMMddHHmmss} (golang-migrate's default), 10-digit ones Unix seconds; Flyway-style
 * names ({@code V3__x.sql}) get the next {@code V}. An empty directory starts at {@code 001}.
 * Up/down pairs when the directory has them or {@code down} asks for one. No database.
 */
public final class NextMigration {
    private static final Pattern NUMBER = Pattern.compile("^([Vv])?(\\d+)(_.*)$");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final BigInteger UNIX_SECONDS_FROM = BigInteger.valueOf(1_000_000_000L);

    private NextMigration() {
    }

    /** How the directory names its files, read from them. */
    private record Style(boolean flyway, boolean pairs, int width, BigInteger highest) {
        boolean timestamps() {
            return width >= 14;
        }

        boolean unixSeconds() {
            return width == 10 && highest.compareTo(UNIX_SECONDS_FROM) >= 0;
        }
    }

    /**
     * Writes the files and returns them (the up file first).
     *
     * @param now the time a timestamp-numbered directory's next number is taken from
     * @throws InvalidMigration for an unusable name or combination, or a file that exists already
     */
    public static List<Path> write(Path dir, String name, boolean down, boolean repeatable, Instant now) {
        String slug = name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (slug.isEmpty()) {
            throw new InvalidMigration("a migration name needs letters or digits, got \"" + name + "\"");
        }
        if (repeatable && down) {
            throw new InvalidMigration("a repeatable script has no down file: it runs again whenever it changes");
        }
        Style style = style(dir);
        List<Path> written = new ArrayList<>();
        if (repeatable) {
            written.add(create(dir.resolve("R__" + slug + ".sql"),
                    "-- " + slug + ": a repeatable script, run again whenever its text changes (views, functions, grants)\n"));
            return written;
        }
        if (style.flyway() && down) {
            throw new InvalidMigration(dir + " names its files Flyway's way (V<n>__name.sql), which has no down"
                    + " files; leave out --down");
        }
        String number = next(style, now);
        if (style.flyway()) {
            written.add(create(dir.resolve("V" + number + "__" + slug + ".sql"), "-- " + number + " " + slug + "\n"));
        } else if (style.pairs() || down) {
            String stem = number + "_" + slug;
            written.add(create(dir.resolve(stem + ".up.sql"), "-- " + stem + ": the change\n"));
            written.add(create(dir.resolve(stem + ".down.sql"), "-- " + stem + ": undoes " + stem + ".up.sql\n"));
        } else {
            written.add(create(dir.resolve(number + "_" + slug + ".sql"), "-- " + number + " " + slug + "\n"));
        }
        return written;
    }

    private static String next(Style style, Instant now) {
        if (style.timestamps() || style.unixSeconds()) {
            BigInteger clock = new BigInteger(style.unixSeconds() ? Long.toString(now.getEpochSecond()) : STAMP.format(now));
            // two files in one second, or a clock behind the newest file, still sort after it
            return clock.max(style.highest().add(BigInteger.ONE)).toString();
        }
        String n = style.highest().add(BigInteger.ONE).toString();
        return "0".repeat(Math.max(0, style.width() - n.length())) + n;
    }

    private static Style style(Path dir) {
        boolean flyway = false;
        boolean pairs = false;
        int width = 0;
        BigInteger highest = BigInteger.ZERO;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : list.toList()) {
                    String f = p.getFileName().toString();
                    Matcher m = NUMBER.matcher(f);
                    if (!f.endsWith(".sql") || !m.matches()) {
                        continue;
                    }
                    flyway |= m.group(1) != null && m.group(3).startsWith("__");
                    pairs |= f.endsWith(".up.sql") || f.endsWith(".down.sql");
                    width = Math.max(width, m.group(2).length());
                    highest = highest.max(new BigInteger(m.group(2)));
                }
            } catch (IOException e) {
                throw new InvalidMigration("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return new Style(flyway, pairs, width == 0 ? 3 : width, highest);
    }

    private static Path create(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardOpenOption.CREATE_NEW);
            return file;
        } catch (FileAlreadyExistsException e) {
            throw new InvalidMigration(file + " exists already; nothing was written");
        } catch (IOException e) {
            throw new InvalidMigration("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
