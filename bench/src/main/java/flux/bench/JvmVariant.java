package flux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A JVM to run {@code flux serve} with in {@code flux-bench capture first-drain}: a Java home, and
 * whether it starts from an AOT cache (JDK 25+: class loading, linking and method profiles of a
 * training run, JEP 483/514/515). Given as {@code current} (the bench's own JVM), a major version
 * found under {@code /usr/lib/jvm} ({@code 17}, {@code 25}) or a Java home's path, with
 * {@code +aot} for the cache ({@code 25+aot}).
 */
record JvmVariant(String spec, Path home, int feature, String version, boolean aot) {
    static final Path INSTALLED = Path.of("/usr/lib/jvm");
    /** The first release whose JVM records an AOT cache in the training run itself (JEP 514). */
    static final int AOT_FROM = 25;

    static JvmVariant parse(String spec) {
        boolean aot = spec.endsWith("+aot");
        String jvm = aot ? spec.substring(0, spec.length() - "+aot".length()) : spec;
        Path home = jvm.equals("current") ? Path.of(System.getProperty("java.home"))
                : jvm.matches("\\d+") ? installed(Integer.parseInt(jvm)) : Path.of(jvm);
        String version = releaseVersion(home);
        if (version == null || !Files.isExecutable(home.resolve("bin/java"))) {
            throw new BenchFailure("" + home + " (from --jvm " + spec + ") is not a Java home (no release file or bin/java)");
        }
        int feature = Integer.parseInt(version.split("[.+-]")[0]);
        if (aot && feature < AOT_FROM) {
            throw new BenchFailure("--jvm " + spec + ": an AOT cache made by a training run needs JDK "
                    + AOT_FROM + " or later, " + home + " is " + version);
        }
        return new JvmVariant(spec, home, feature, version, aot);
    }

    String java() {
        return home.resolve("bin/java").toString();
    }

    /** For the report: "JDK 25.0.3 (/usr/lib/jvm/temurin-25-jdk-amd64), AOT cache". */
    String label() {
        return "JDK " + version + " (" + home + ")" + (aot ? ", AOT cache" : ", no AOT cache");
    }

    /** JVM options of a training run that writes the cache at its exit (JEP 514's one step). */
    static List<String> recordCache(Path cache) {
        return List.of("-XX:AOTCacheOutput=" + cache);
    }

    /** JVM options that start from the cache; {@code AOTMode=on}: a cache the JVM cannot use fails the start
     *  instead of running without it (the default, auto), so an "AOT cache" run always had one. */
    static List<String> useCache(Path cache) {
        return List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on");
    }

    private static Path installed(int feature) {
        try (Stream<Path> homes = Files.list(INSTALLED)) {
            return homes.filter(h -> !Files.isSymbolicLink(h)).sorted()
                    .filter(h -> {
                        String v = releaseVersion(h);
                        return v != null && v.split("[.+-]")[0].equals(Integer.toString(feature));
                    }).findFirst()
                    .orElseThrow(() -> new BenchFailure("no JDK " + feature + " under " + INSTALLED));
        } catch (IOException e) {
            throw new BenchFailure("cannot list " + INSTALLED + ": " + e.getMessage());
        }
    }

    /** JAVA_VERSION of the home's {@code release} file, null without one. */
    private static String releaseVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
