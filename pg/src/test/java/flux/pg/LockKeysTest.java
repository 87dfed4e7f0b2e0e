package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockKeysTest {

    @Test
    void everyFixedKeyIsDistinct() {
        Set<List<Integer>> keys = new HashSet<>();
        for (LockKey key : LockKeys.FIXED) {
            assertThat(keys.add(List.of(key.classId(), key.objectId()))).as("%s is unique", key).isTrue();
        }
    }

    @Test
    void fixedKeysUseFluxsClassIdAndStreamerKeysAnotherSoAHashCannotMeetThem() {
        assertThat(LockKeys.FIXED).extracting(LockKey::classId).containsOnly(LockKeys.FLUX_CLASS);
        assertThat(LockKeys.streamer("flux").classId()).isEqualTo(LockKeys.STREAMER_CLASS)
                .isNotEqualTo(LockKeys.FLUX_CLASS);
    }

    @Test
    void theMigrationLockAndTheBlameFolderNoLongerShareAKey() {
        assertThat(LockKeys.MIGRATION).isNotEqualTo(LockKeys.BLAME_FOLDER);
        assertThat(LockKeys.MIGRATION.objectId()).isNotEqualTo(LockKeys.BLAME_FOLDER.objectId());
    }

    @Test
    void aSlotsStreamerKeyIsStableAndSlotsDiffer() {
        assertThat(LockKeys.streamer("flux")).isEqualTo(LockKeys.streamer("flux"));
        assertThat(LockKeys.streamer("flux").objectId()).isNotEqualTo(LockKeys.streamer("flux_2").objectId());
    }

    @Test
    void pgLocksShowsTheIntsAsUnsignedOids() {
        LockKey key = new LockKey("test", -1, 7);
        assertThat(key.classOid()).isEqualTo(0xffff_ffffL);
        assertThat(key.objectOid()).isEqualTo(7L);
    }
}
