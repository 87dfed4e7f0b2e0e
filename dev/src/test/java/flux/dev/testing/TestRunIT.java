package flux.dev.testing;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.LocalPostgres;
import flux.dev.OrphanMaker;
import flux.dev.Ports;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRunIT {
    @TempDir
    Path base;

    @Test
    void aKilledRunsPostgresIsStoppedWhenTheNextRunBeginsAndALiveRunsIsLeftAlone() throws Exception {
        Path killed = base.resolve("run-killed");
        Path live = base.resolve("run-live");
        OrphanMaker.Owner killedRun = OrphanMaker.spawn("postgres", killed.toString(), Integer.toString(Ports.findFree()));
        OrphanMaker.Owner liveRun = OrphanMaker.spawn("postgres", live.toString(), Integer.toString(Ports.findFree()));
        ProcessHandle leftover = ProcessHandle.of(killedRun.servicePid()).orElseThrow();
        ProcessHandle livePostgres = ProcessHandle.of(liveRun.servicePid()).orElseThrow();
        try {
            killedRun.kill9(); // its postgres keeps running, the lock on its directory is gone

            try (TestRun ignored = TestRun.begin(base)) {
                assertThat(leftover.onExit()).succeedsWithin(Duration.ofSeconds(30));
                assertThat(livePostgres.isAlive()).isTrue();
            }
        } finally {
            liveRun.kill9();
            LocalPostgres.stopOrphan(live.resolve("pg"));
            LocalPostgres.stopOrphan(killed.resolve("pg"));
        }
    }
}
