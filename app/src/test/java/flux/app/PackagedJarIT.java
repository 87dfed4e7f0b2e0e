package flux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The product jar as shipped ({@code app/target/flux.jar}, shaded): what it holds and what it must not. */
class PackagedJarIT {

    @Test
    void theProductJarRunsFluxAndHoldsNoBenchmarks() throws Exception {
        try (JarFile jar = new JarFile(FluxProcess.JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Flux.class.getName());
            List<String> entries = jar.stream().map(ZipEntry::getName).toList();
            assertThat(entries).contains("flux/app/Flux.class");
            // The benchmarks have their own module and launcher (./flux-bench); see bench/pom.xml.
            assertThat(entries).noneMatch(name -> name.startsWith("flux/bench/") || name.startsWith("flux/app/bench/"));
        }
    }
}
